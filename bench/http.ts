// A trivial query on this server against a bare @apollo/server hello-world, both loaded the same way
// by autocannon in alternating rounds. Target: at least 0.75 of the bare server's requests/s.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import type { BenchResult } from './bench';
import { startChild } from './servers';

const ROUNDS = 3;
const SECONDS = 5;

async function load(url: string, query: string): Promise<number> {
  const result = await autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
    connections: 50,
    duration: SECONDS,
  });
  if (result.non2xx || result.errors) throw new Error(`${url}: ${result.non2xx} non-2xx answers and ${result.errors} errors`);
  return result.requests.average;
}

export default async function bench(): Promise<BenchResult> {
  const data = mkdtempSync(join(tmpdir(), 'hub-bench-'));
  const hub = await startChild('hub', { NODE_ENV: 'production', LOG_LEVEL: 'info', JWT_SECRET: 'bench-secret-bench-secret-bench-secret', SECRETS_KEY: '0'.repeat(64), SQLITE_PATH: join(data, 'bench.sqlite'), FILES_DIR: join(data, 'files') });
  const bare = await startChild('bare-apollo', { NODE_ENV: 'production' });
  try {
    await load(hub.url, '{ serverInfo { name } }');
    await load(bare.url, '{ hello }');
    let ours = 0;
    let baseline = 0;
    for (let round = 0; round < ROUNDS; round++) {
      ours += await load(hub.url, '{ serverInfo { name } }');
      baseline += await load(bare.url, '{ hello }');
    }
    ours /= ROUNDS;
    baseline /= ROUNDS;
    return {
      name: 'http: trivial query, this server vs bare @apollo/server',
      metrics: { hub_requests_per_s: Math.round(ours), bare_apollo_requests_per_s: Math.round(baseline) },
      targets: [{ what: 'requests/s of the bare server reached', ratio: ours / baseline, bound: 0.75, atLeast: true }],
    };
  } finally {
    await hub.close();
    await bare.close();
  }
}
