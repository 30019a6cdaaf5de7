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
  run(sql: string, callback: (error: Error | null) => void): void;
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
    migrations: { migrationsList, tableName: 'mikro_orm_migrations', transactional: true, allOrNothing: true, snapshot: false },
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
