// createApp(config): the whole server, listening, with a close() — used by main, tests and benches alike.
import 'reflect-metadata';
import type { Server } from 'node:http';
import type { Config } from './config';
import { createOrm, migrate, type Orm } from './platform/db/orm';
import { createKv, type Kv } from './platform/kv';
import { createLogger, type Logger } from './platform/logger';
import { Container } from './platform/graphql/container';
import { buildAppSchema } from './platform/graphql/schema';
import { startHttpServer } from './platform/http/server';
import { Secrets } from './platform/secrets';
import { createModules, entities } from './modules';

export interface App {
  config: Config;
  logger: Logger;
  orm: Orm;
  kv: Kv;
  server: Server;
  /** http://host:port */
  url: string;
  container: Container;
  close(): Promise<void>;
}

export async function createApp(config: Config, options: { logger?: Logger } = {}): Promise<App> {
  const logger = options.logger ?? createLogger({ level: config.logLevel, pretty: config.nodeEnv === 'development' });
  const cleanups: Array<() => Promise<void>> = [];
  const closeAll = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      await cleanup().catch((error: unknown) => logger.error({ err: error }, 'error while closing'));
    }
  };
  try {
    const orm = await createOrm(config.database, entities, logger);
    cleanups.push(() => orm.close());
    if (config.database.migrateOnStart) {
      const applied = await migrate(orm);
      if (applied.length) logger.info({ migrations: applied }, 'database migrated');
    }
    const kv = await createKv(config.redis);
    cleanups.push(() => kv.close());

    const container = new Container().set(Secrets, new Secrets(config.secretsKey));
    const modules = await createModules({ config, logger, orm, kv, container });
    cleanups.push(() => modules.close());
    const schema = await buildAppSchema({ resolvers: modules.resolvers, container, kv });
    const http = await startHttpServer({ config, logger, orm, kv, schema, authenticator: modules.authenticator, routes: modules.routes });
    cleanups.push(() => http.close());
    await modules.started(http.ws);
    logger.info({ url: http.url, database: config.database.url ? 'mysql' : 'sqlite', kv: kv.kind }, 'mcp-agent-hub listening');

    let closing: Promise<void> | null = null;
    return { config, logger, orm, kv, server: http.server, url: http.url, container, close: () => (closing ??= closeAll()) };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
