// Builds the schema exactly as the server does, for `npm run schema` and the freshness test.
import 'reflect-metadata';
import { loadConfig } from './config';
import { createKv } from './platform/kv';
import { createLogger } from './platform/logger';
import { Container } from './platform/graphql/container';
import { buildAppSchema, printSortedSchema } from './platform/graphql/schema';
import { createOrm } from './platform/db/orm';
import { Secrets } from './platform/secrets';
import { createModules, entities } from './modules';

export async function emitSchema(): Promise<string> {
  const config = loadConfig({ NODE_ENV: 'test', SQLITE_PATH: ':memory:', LOG_LEVEL: 'silent', JWT_SECRET: 'schema-emitter-secret-32-bytes-long!!' });
  const logger = createLogger({ level: 'silent', pretty: false });
  const orm = await createOrm(config.database, entities, logger);
  const kv = await createKv({ url: null, prefix: 'schema-emit:' });
  const container = new Container().set(Secrets, new Secrets(config.secretsKey));
  const modules = await createModules({ config, logger, orm, kv, container });
  try {
    return printSortedSchema(await buildAppSchema({ resolvers: modules.resolvers, container, kv }));
  } finally {
    await modules.close();
    await kv.close();
    await orm.close();
  }
}
