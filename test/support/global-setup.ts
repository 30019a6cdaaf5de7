// Makes this run's databases: one per jest worker, fresh, named after a run id of its own.
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import type { Config } from '@jest/types';
import { RUN_ENV, forEachWorkerDatabase, runFolder } from './test-databases';

export default async function globalSetup(globalConfig: Config.GlobalConfig): Promise<void> {
  const run = randomBytes(3).toString('hex');
  process.env[RUN_ENV] = run;
  await mkdir(runFolder(run), { recursive: true });
  await forEachWorkerDatabase(globalConfig.maxWorkers, run, (name) => `CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
}
