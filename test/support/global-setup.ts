// Gives every jest worker a fresh database of its own: hub_test_<worker id> on MySQL/MariaDB,
// data/test/hub_test_<worker id>.sqlite on the embedded default.
import { rm, mkdir } from 'node:fs/promises';
import type { Config } from '@jest/types';
import { createConnection } from 'mysql2/promise';

export default async function globalSetup(globalConfig: Config.GlobalConfig): Promise<void> {
  const workers = Math.max(globalConfig.maxWorkers, 1);
  const url = process.env.DATABASE_URL;
  if (url?.startsWith('mysql://')) {
    const server = new URL(url);
    server.pathname = '/';
    const connection = await createConnection(server.toString());
    try {
      for (let id = 1; id <= workers; id++) {
        await connection.query(`DROP DATABASE IF EXISTS \`hub_test_${id}\``);
        await connection.query(`CREATE DATABASE \`hub_test_${id}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
      }
    } finally {
      await connection.end();
    }
  } else {
    await rm('data/test', { recursive: true, force: true });
    await mkdir('data/test', { recursive: true });
  }
}
