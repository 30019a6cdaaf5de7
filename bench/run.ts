// npm run bench [name…]: runs the benchmarks (all, or those named) and prints each one's ratios.
import 'reflect-metadata';
import { formatResult, type Bench } from './bench';
import auth from './auth';
import files from './files';
import http from './http';
import llm from './llm';
import mcp from './mcp';

const benches: Record<string, Bench> = { http, auth, llm, mcp, files };

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const names = wanted.length ? wanted : Object.keys(benches);
  let missed = 0;
  for (const name of names) {
    const bench = benches[name];
    if (!bench) throw new Error(`no bench named ${name}; there are: ${Object.keys(benches).join(', ')}`);
    const result = await bench();
    process.stdout.write(`${formatResult(result)}\n`);
    missed += result.targets.filter((t) => (t.atLeast ? t.ratio < t.bound : t.ratio > t.bound)).length;
  }
  process.stdout.write(missed ? `${missed} target(s) missed\n` : 'every target met\n');
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
