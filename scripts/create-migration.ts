// npm run migration:create -- <name>
// Diffs the entities against a scratch database migrated to the latest migration, once on MySQL
// (DATABASE_URL, default mysql://root@127.0.0.1:3306) and once on SQLite, and writes one migration
// holding both. Review the SQL before committing it.
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

async function diff(db: DatabaseOptions): Promise<{ up: string[]; down: string[] }> {
  const orm = await createOrm(db, entities);
  try {
    await migrate(orm);
    const { up, down } = await orm.schema.getUpdateSchemaMigrationSQL({ wrap: false, safe: false, dropTables: true });
    return { up: statements(up), down: statements(down) };
  } finally {
    await orm.close();
  }
}

async function main(): Promise<void> {
  const name = (process.argv[2] ?? '').replace(/[^A-Za-z0-9]+/g, '_');
  if (!name) throw new Error('usage: npm run migration:create -- <name>');

  const server = new URL(process.env.DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/');
  const scratch = 'hub_migration_scratch';
  server.pathname = '/';
  const admin = await createConnection(server.toString());
  await admin.query(`DROP DATABASE IF EXISTS \`${scratch}\``);
  await admin.query(`CREATE DATABASE \`${scratch}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  const dir = mkdtempSync(join(tmpdir(), 'hub-migration-'));
  try {
    server.pathname = `/${scratch}`;
    const mysql = await diff({ url: server.toString(), sqlitePath: '', debug: false });
    const sqlite = await diff({ url: null, sqlitePath: join(dir, 'scratch.sqlite'), debug: false });
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
    await admin.query(`DROP DATABASE IF EXISTS \`${scratch}\``);
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
