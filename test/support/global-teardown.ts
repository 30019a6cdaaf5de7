// Drops this run's databases and removes its files once every suite is done.
import { rm } from 'node:fs/promises';
import type { Config } from '@jest/types';
import { forEachWorkerDatabase, runFolder, runId } from './test-databases';

export default async function globalTeardown(globalConfig: Config.GlobalConfig): Promise<void> {
  const run = runId();
  await rm(runFolder(run), { recursive: true, force: true });
  await forEachWorkerDatabase(globalConfig.maxWorkers, run, (name) => `DROP DATABASE IF EXISTS \`${name}\``);
}
