// Looks into the database the way an operator would, to check what the API left behind.
import type { TestApp } from './app';

/** Rows that mention the user in any table with a user_id column: deleteMe must leave none. */
export async function rowsOwnedBy(app: TestApp, userId: string): Promise<Record<string, number>> {
  const connection = app.orm.em.fork().getConnection();
  const sqlite = !app.config.database.url;
  const tables = sqlite
    ? (await connection.execute<Array<{ name: string }>>("select m.name from sqlite_master m join pragma_table_info(m.name) c where m.type = 'table' and c.name = 'user_id'")).map((r) => r.name)
    : (await connection.execute<Array<{ name: string }>>("select table_name as name from information_schema.columns where table_schema = database() and column_name = 'user_id'")).map((r) => r.name);
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const [row] = await connection.execute<Array<{ n: number }>>(`select count(*) as n from \`${table}\` where user_id = ?`, [userId]);
    counts[table] = Number(row.n);
  }
  const [user] = await connection.execute<Array<{ n: number }>>('select count(*) as n from `user` where id = ?', [userId]);
  counts.user = Number(user.n);
  return counts;
}
