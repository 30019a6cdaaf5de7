// Starts real app instances for tests: port 0, this jest worker's own database and key prefix.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, type Config } from '../../src/config';
import { createApp, type App } from '../../src/app';
import { createLogger, type Logger } from '../../src/platform/logger';
import { GraphqlClient } from './graphql';
import { mysqlDatabase, runId, runFolder } from './test-databases';

const worker = process.env.JEST_WORKER_ID ?? '1';
/** One key prefix per test file: apps started by one file share Redis state, files do not. */
const filePrefix = `hub_test_${worker}_${randomBytes(4).toString('hex')}:`;

export function databaseEnv(): Record<string, string> {
  const url = process.env.DATABASE_URL;
  if (url?.startsWith('mysql://')) {
    const parsed = new URL(url);
    parsed.pathname = `/${mysqlDatabase(runId(), worker)}`;
    return { DATABASE_URL: parsed.toString() };
  }
  return { DATABASE_URL: '', SQLITE_PATH: join(runFolder(runId()), `${worker}.sqlite`) };
}

export function testEnv(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    REDIS_URL: process.env.REDIS_URL ?? '',
    REDIS_PREFIX: filePrefix,
    JWT_SECRET: 'test-secret-that-is-at-least-32-bytes-long!',
    FILES_DIR: mkdtempSync(join(runFolder(runId()), 'files-')),
    SHUTDOWN_TIMEOUT_MS: '5000',
    // Every test signs up from 127.0.0.1; the limits have a suite of their own.
    AUTH_IP_ATTEMPTS_PER_MINUTE: '100000',
    ...databaseEnv(),
    ...overrides,
  };
}

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig(testEnv(overrides));
}

export interface TestApp extends App {
  client(token?: string): GraphqlClient;
}

export async function startApp(overrides: Record<string, string> = {}, options: { logger?: Logger } = {}): Promise<TestApp> {
  const app = await createApp(testConfig(overrides), options);
  return Object.assign(app, { client: (token?: string) => new GraphqlClient(app.url, token) });
}

/** A logger that keeps every line it writes, parsed, for tests that look at the logs. */
export function capturingLogger(level = 'debug'): { logger: Logger; lines: Array<Record<string, unknown>>; raw: string[]; text: () => string } {
  const lines: Array<Record<string, unknown>> = [];
  const raw: string[] = [];
  const destination = {
    write(line: string) {
      raw.push(line);
      lines.push(JSON.parse(line) as Record<string, unknown>);
    },
  };
  return { logger: createLogger({ level, pretty: false, destination }), lines, raw, text: () => raw.join('') };
}
