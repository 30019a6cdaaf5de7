// Drops this run's databases and removes its files once every suite is done.
import { rm } from 'node:fs/promises';
import type { Config } from '@jest/types';
import { createConnection } from 'mysql2/promise';
import { mysqlDatabase, runId, runFolder } from './test-databases';

export default async function globalTeardown(globalConfig: Config.GlobalConfig): Promise<void> {
  const run = runId();
  await rm(runFolder(run), { recursive: true, force: true });
  const url = process.env.DATABASE_URL;
  if (!url?.startsWith('mysql://')) return;
  const server = new URL(url);
  server.pathname = '/';
  const connection = await createConnection(server.toString());
  try {
    for (let id = 1; id <= Math.max(globalConfig.maxWorkers, 1); id++) await connection.query(`DROP DATABASE IF EXISTS \`${mysqlDatabase(run, id)}\``);
  } finally {
    await connection.end();
  }
}
