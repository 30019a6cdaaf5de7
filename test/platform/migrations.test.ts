// The migrations give exactly the schema the entities describe, on this run's database (SQLite, or
// MariaDB/MySQL when DATABASE_URL is set): a database built by the migrations and one built by
// MikroORM straight from the entities must dump the same, and the migrations must roll back.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { createOrm, migrate, type DatabaseOptions, type Orm } from '../../src/platform/db/orm';
import { entities } from '../../src/modules';
import { migrationsList } from '../../migrations';

const mysqlUrl = process.env.DATABASE_URL?.startsWith('mysql://') ? process.env.DATABASE_URL : null;

async function scratchDatabase(): Promise<{ db: DatabaseOptions; drop: () => Promise<void> }> {
  if (!mysqlUrl) {
    return { db: { url: null, sqlitePath: join(mkdtempSync(join(tmpdir(), 'hub-mig-')), 'scratch.sqlite'), debug: false }, drop: async () => undefined };
  }
  const name = `hub_mig_${randomBytes(4).toString('hex')}`;
  const server = new URL(mysqlUrl);
  server.pathname = '/';
  const admin = await createConnection(server.toString());
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  server.pathname = `/${name}`;
  return {
    db: { url: server.toString(), sqlitePath: '', debug: false },
    drop: async () => {
      await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await admin.end();
    },
  };
}

/** Every table's definition as the database itself reports it, the migrations' own table left out. */
async function dump(orm: Orm): Promise<Record<string, string>> {
  const connection = orm.em.getConnection();
  const out: Record<string, string> = {};
  if (mysqlUrl) {
    const tables = await connection.execute<Array<Record<string, string>>>('show tables');
    for (const row of tables) {
      const table = Object.values(row)[0];
      if (table === 'mikro_orm_migrations') continue;
      const [created] = await connection.execute<Array<Record<string, string>>>(`show create table \`${table}\``);
      out[table] = created['Create Table'].replace(/ AUTO_INCREMENT=\d+/, '');
    }
  } else {
    const rows = await connection.execute<Array<{ name: string; sql: string }>>("select name, sql from sqlite_master where sql is not null and name not like 'sqlite_%' and tbl_name <> 'mikro_orm_migrations' order by name");
    for (const row of rows) out[row.name] = row.sql;
  }
  return out;
}

describe('migrations', () => {
  it('build the schema the entities describe, roll back to nothing and apply again', async () => {
    const migrated = await scratchDatabase();
    const direct = await scratchDatabase();
    const orm = await createOrm(migrated.db, entities);
    const reference = await createOrm(direct.db, entities);
    try {
      expect(await migrate(orm)).toEqual(migrationsList.map((m) => m.name));
      expect(await migrate(orm)).toEqual([]);
      await reference.schema.createSchema();
      const expected = await dump(reference);
      expect(Object.keys(expected).length).toBeGreaterThanOrEqual(entities.length);
      expect(await dump(orm)).toEqual(expected);

      await orm.getMigrator().down({ to: 0 });
      expect(await dump(orm)).toEqual({});
      await migrate(orm);
      expect(await dump(orm)).toEqual(expected);
    } finally {
      await orm.close();
      await reference.close();
      await migrated.drop();
      await direct.drop();
    }
  });
});
