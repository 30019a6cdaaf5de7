// MikroORM on MySQL/MariaDB when DATABASE_URL is given, else on an SQLite file: one schema, made by
// the same migrations on both.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { MikroORM, type Options, type EntityManager as CoreEntityManager } from '@mikro-orm/core';
import type { AbstractSqlDriver, EntityManager } from '@mikro-orm/knex';
import { MySqlDriver } from '@mikro-orm/mysql';
import { SqliteDriver } from '@mikro-orm/sqlite';
import { Migrator } from '@mikro-orm/migrations';
import type { Logger } from '../logger';
import { migrationsList } from '../../../migrations';

export type { EntityManager };
export type Orm = MikroORM<AbstractSqlDriver, EntityManager>;

export interface DatabaseOptions {
  url: string | null;
  sqlitePath: string;
  debug: boolean;
}

interface SqliteConnection {
  run(sql: string, ...rest: unknown[]): unknown;
  all(sql: string, ...rest: unknown[]): unknown;
}

/**
 * Transactions on SQLite take the write lock when they begin (BEGIN IMMEDIATE). A plain BEGIN reads
 * first and upgrades later, and an upgrade that meets another writer fails at once with SQLITE_BUSY
 * instead of waiting out busy_timeout; that happens whenever a second process (a second instance in
 * tests, `npm run create-admin`) writes to the same file.
 */
function beginImmediately(conn: SqliteConnection): void {
  for (const method of ['run', 'all'] as const) {
    const original = conn[method].bind(conn);
    conn[method] = (sql: string, ...rest: unknown[]) => original(/^\s*BEGIN\s*;?\s*$/i.test(sql) ? 'BEGIN IMMEDIATE;' : sql, ...rest);
  }
}

export function ormOptions(db: DatabaseOptions, entities: Options['entities'], logger?: Logger): Options {
  const common: Options = {
    entities,
    forceUtcTimezone: true,
    // Every unit of work forks its own entity manager; touching the global one is a bug.
    allowGlobalContext: false,
    debug: db.debug,
    logger: (message) => logger?.debug({ component: 'db' }, message),
    extensions: [Migrator],
    // MySQL commits DDL implicitly, so wrapping migrations in transactions there only earns knex warnings.
    migrations: { migrationsList, tableName: 'mikro_orm_migrations', transactional: !db.url, allOrNothing: !db.url, snapshot: false },
    discovery: { warnWhenNoEntities: false },
  };
  if (db.url) {
    return { ...common, driver: MySqlDriver, clientUrl: db.url.replace(/^mariadb:/, 'mysql:'), pool: { min: 0, max: 10 } };
  }
  if (db.sqlitePath !== ':memory:') mkdirSync(dirname(db.sqlitePath), { recursive: true });
  return {
    ...common,
    driver: SqliteDriver,
    dbName: db.sqlitePath,
    pool: {
      min: 1,
      max: 1,
      afterCreate: (conn: SqliteConnection, done: (error: Error | null, conn: SqliteConnection) => void) => {
        const pragmas = ['PRAGMA foreign_keys = ON', 'PRAGMA busy_timeout = 5000', 'PRAGMA journal_mode = WAL'];
        beginImmediately(conn);
        const next = (error: Error | null): void => {
          const sql = pragmas.shift();
          if (error || !sql) done(error, conn);
          else conn.run(sql, next);
        };
        next(null);
      },
    },
  };
}

export async function createOrm(db: DatabaseOptions, entities: Options['entities'], logger?: Logger): Promise<Orm> {
  return MikroORM.init<AbstractSqlDriver, EntityManager>(ormOptions(db, entities, logger) as Options<AbstractSqlDriver, EntityManager>);
}

export async function migrate(orm: Orm): Promise<string[]> {
  const applied = await orm.getMigrator().up();
  return applied.map((m) => m.name);
}

export async function pingDatabase(em: CoreEntityManager): Promise<void> {
  await (em as EntityManager).getConnection().execute('select 1');
}
