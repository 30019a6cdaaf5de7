// The databases and files of one jest run: each worker gets its own database (hub_test_<run>_<worker id>
// on MySQL/MariaDB, data/test/<run>/<worker id>.sqlite on the embedded default), workspaces live under
// data/test/<run>, and runs side by side never touch each other's. The run id comes from global setup
// through the environment the workers inherit.
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';

export const RUN_ENV = 'HUB_TEST_RUN';

export const mysqlDatabase = (run: string, worker: string | number) => `hub_test_${run}_${worker}`;
export const runFolder = (run: string) => join('data', 'test', run);

export function runId(): string {
  const run = process.env[RUN_ENV];
  if (!run) throw new Error(`${RUN_ENV} is not set: the tests must run through jest's global setup`);
  return run;
}

/** Runs `statement(database name)` for each worker's database, when the run is on MySQL/MariaDB. */
export async function forEachWorkerDatabase(workers: number, run: string, statement: (database: string) => string): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url?.startsWith('mysql://')) return;
  const server = new URL(url);
  server.pathname = '/';
  const connection = await createConnection(server.toString());
  try {
    for (let id = 1; id <= Math.max(workers, 1); id++) await connection.query(statement(mysqlDatabase(run, id)));
  } finally {
    await connection.end();
  }
}
