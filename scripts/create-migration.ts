// npm run migration:create -- <name> [--tables a,b]
// Diffs the entities against a scratch database migrated to the latest migration, once on MySQL
// (DATABASE_URL, default mysql://root@127.0.0.1:3306) and once on SQLite, and writes one migration
// holding both. Review the SQL before committing it. --tables keeps only the statements on those
// tables, so work on several modules at once does not put one module's tables in another's migration.
import 'reflect-metadata';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { createOrm, migrate, type DatabaseOptions } from '../src/platform/db/orm';
import { entities } from '../src/modules';

const root = join(__dirname, '..', '..');

function statements(sql: string): string[] {
  return sql
    .split(/;\n/)
    .map((s) => s.trim().replace(/;$/, ''))
    .filter((s) => s && !/^(set names|set foreign_key_checks|pragma foreign_keys)/i.test(s));
}

async function pendingSql(db: DatabaseOptions, build: 'migrations' | 'entities'): Promise<{ up: string[]; down: string[] }> {
  const orm = await createOrm(db, entities);
  try {
    if (build === 'migrations') await migrate(orm);
    else await orm.schema.createSchema();
    const { up, down } = await orm.schema.getUpdateSchemaMigrationSQL({ wrap: false, safe: false, dropTables: true });
    return { up: statements(up), down: statements(down) };
  } finally {
    await orm.close();
  }
}

/**
 * What the entities need beyond the migrations. On MariaDB, MikroORM's MySQL introspection also
 * reports differences that are not there (nullable and enum defaults): a database made straight from
 * the entities shows the same ones, so they are subtracted.
 */
const tableOf = (statement: string) => /^(?:create table|alter table|drop table if exists|drop table|create (?:unique )?index `[^`]+` on) `([^`]+)`/i.exec(statement)?.[1];

async function diff(db: DatabaseOptions, baselineDb: DatabaseOptions, tables: string[] | null): Promise<{ up: string[]; down: string[] }> {
  const noise = new Set((await pendingSql(baselineDb, 'entities')).up);
  const pending = await pendingSql(db, 'migrations');
  const wanted = (statement: string) => !tables || tables.includes(tableOf(statement) ?? '');
  pending.down = pending.down.filter(wanted);
  const up = pending.up.filter((s) => !noise.has(s) && wanted(s));
  if (!up.length) return { up, down: [] };
  if (pending.down.length) return { up, down: pending.down };
  // MikroORM writes no down SQL for SQLite; new tables at least can be dropped again.
  const created = up.map((s) => /^create table `([^`]+)`/i.exec(s)?.[1]).filter((t): t is string => Boolean(t));
  return { up, down: created.reverse().map((t) => `drop table if exists \`${t}\``) };
}

async function main(): Promise<void> {
  const name = (process.argv[2] ?? '').replace(/[^A-Za-z0-9]+/g, '_');
  if (!name) throw new Error('usage: npm run migration:create -- <name> [--tables a,b]');
  const tablesArg = process.argv.indexOf('--tables');
  const tables = tablesArg > 0 ? (process.argv[tablesArg + 1] ?? '').split(',').filter(Boolean) : null;

  const server = new URL(process.env.DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/');
  const scratches = ['hub_migration_scratch', 'hub_migration_baseline'];
  server.pathname = '/';
  const admin = await createConnection(server.toString());
  for (const db of scratches) {
    await admin.query(`DROP DATABASE IF EXISTS \`${db}\``);
    await admin.query(`CREATE DATABASE \`${db}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'hub-migration-'));
  const mysqlDb = (name: string): DatabaseOptions => ({ url: Object.assign(new URL(server.toString()), { pathname: `/${name}` }).toString(), sqlitePath: '', debug: false });
  const sqliteDb = (name: string): DatabaseOptions => ({ url: null, sqlitePath: join(dir, `${name}.sqlite`), debug: false });
  try {
    const mysql = await diff(mysqlDb(scratches[0]), mysqlDb(scratches[1]), tables);
    const sqlite = await diff(sqliteDb('scratch'), sqliteDb('baseline'), tables);
    if (!mysql.up.length && !sqlite.up.length) {
      process.stdout.write('The entities match the migrations: nothing to write.\n');
      return;
    }
    const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
    const className = `Migration${stamp}_${name}`;
    const body = `import { DualMigration } from '../src/platform/db/migration';

export class ${className} extends DualMigration {
  protected readonly sql = ${JSON.stringify({ mysql, sqlite }, null, 2).replace(/\n/g, '\n  ')};
}
`;
    writeFileSync(join(root, 'migrations', `${className}.ts`), body);
    writeIndex();
    process.stdout.write(`wrote migrations/${className}.ts\n`);
  } finally {
    for (const db of scratches) await admin.query(`DROP DATABASE IF EXISTS \`${db}\``);
    await admin.end();
    rmSync(dir, { recursive: true, force: true });
  }
}

function writeIndex(): void {
  const names = readdirSync(join(root, 'migrations'))
    .filter((f) => /^Migration\d{14}_\w+\.ts$/.test(f))
    .map((f) => f.replace(/\.ts$/, ''))
    .sort();
  const body = `// Every migration, in order. Written by \`npm run migration:create\`.
import type { MigrationObject } from '@mikro-orm/core';
${names.map((n) => `import { ${n} } from './${n}';`).join('\n')}

export const migrationsList: MigrationObject[] = [
${names.map((n) => `  { name: '${n}', class: ${n} },`).join('\n')}
];
`;
  writeFileSync(join(root, 'migrations', 'index.ts'), body);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
