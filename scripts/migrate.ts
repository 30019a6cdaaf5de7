// npm run migrate: applies pending migrations to the configured database.
import 'reflect-metadata';
import { loadConfig } from '../src/config';
import { createOrm, migrate } from '../src/platform/db/orm';
import { createLogger } from '../src/platform/logger';
import { entities } from '../src/modules';

async function main(): Promise<void> {
  const config = loadConfig();
  const orm = await createOrm(config.database, entities, createLogger({ level: 'warn', pretty: false }));
  try {
    const applied = await migrate(orm);
    process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'the database is up to date\n');
  } finally {
    await orm.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`migration failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
