// Makes this run's databases: one per jest worker, fresh, named after a run id of its own.
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import type { Config } from '@jest/types';
import { createConnection } from 'mysql2/promise';
import { RUN_ENV, mysqlDatabase, runFolder } from './test-databases';

export default async function globalSetup(globalConfig: Config.GlobalConfig): Promise<void> {
  const run = randomBytes(3).toString('hex');
  process.env[RUN_ENV] = run;
  await mkdir(runFolder(run), { recursive: true });
  const url = process.env.DATABASE_URL;
  if (!url?.startsWith('mysql://')) return;
  const server = new URL(url);
  server.pathname = '/';
  const connection = await createConnection(server.toString());
  try {
    for (let id = 1; id <= Math.max(globalConfig.maxWorkers, 1); id++) {
      await connection.query(`CREATE DATABASE \`${mysqlDatabase(run, id)}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    }
  } finally {
    await connection.end();
  }
}
