// Compiles the server with swc into a temporary folder (once per jest worker) so tests can run
// `node src/main.js` as a real process, the way `npm start` runs the tsc build.
import { mkdirSync, readdirSync, readFileSync, writeFileSync, symlinkSync, existsSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { transformFileSync, type Options } from '@swc/core';

const root = join(__dirname, '..', '..');
let compiled: string | null = null;

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

export function compileServer(): string {
  if (compiled) return compiled;
  const out = join(tmpdir(), `hub-compiled-${process.pid}-${Date.now()}`);
  const options = JSON.parse(readFileSync(join(root, '.swcrc'), 'utf8')) as Options;
  for (const file of ['src', 'migrations', 'scripts'].flatMap((dir) => tsFiles(join(root, dir)))) {
    const target = join(out, relative(root, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, transformFileSync(file, { ...options, swcrc: false, sourceMaps: false, filename: file }).code);
  }
  copyFileSync(join(root, 'package.json'), join(out, 'package.json'));
  if (!existsSync(join(out, 'node_modules'))) symlinkSync(join(root, 'node_modules'), join(out, 'node_modules'), 'dir');
  compiled = out;
  return out;
}
