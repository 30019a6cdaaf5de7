// What signing in costs a request: the same query, with the same answer, with and without an access
// token, in alternating rounds against one server. With a token the server verifies it, checks the
// session's revocation and loads the user's record (token version, active) from the kv. Target: at
// least 0.85 of the anonymous requests/s (authentication costs at most 15%). `me` signed in is
// measured beside it, for what answering with the user costs on top.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import type { BenchResult } from './bench';
import { startChild } from './servers';

const ROUNDS = 3;
const SECONDS = 5;
const SAME_ANSWER = JSON.stringify({ query: '{ serverInfo { name version } }' });
const ME = JSON.stringify({ query: '{ me { id username role } }' });

async function load(url: string, token: string | null, body = SAME_ANSWER): Promise<number> {
  const result = await autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body,
    connections: 50,
    duration: SECONDS,
  });
  if (result.non2xx || result.errors) throw new Error(`${result.non2xx} non-2xx answers and ${result.errors} errors`);
  return result.requests.average;
}

export default async function bench(): Promise<BenchResult> {
  const data = mkdtempSync(join(tmpdir(), 'hub-bench-'));
  const hub = await startChild('hub', { NODE_ENV: 'production', LOG_LEVEL: 'info', JWT_SECRET: 'bench-secret-bench-secret-bench-secret', SECRETS_KEY: '0'.repeat(64), SQLITE_PATH: join(data, 'bench.sqlite'), FILES_DIR: join(data, 'files') });
  try {
    const response = await fetch(hub.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'mutation { register(input: { username: "bench_user", password: "bench password" }) { accessToken } }' }),
    });
    const token = ((await response.json()) as { data: { register: { accessToken: string } } }).data.register.accessToken;
    await load(hub.url, token);
    await load(hub.url, null);
    let signedIn = 0;
    let anonymous = 0;
    for (let round = 0; round < ROUNDS; round++) {
      signedIn += await load(hub.url, token);
      anonymous += await load(hub.url, null);
    }
    signedIn /= ROUNDS;
    anonymous /= ROUNDS;
    const me = await load(hub.url, token, ME);
    return {
      name: `auth: the same query signed in vs anonymous (${process.env.REDIS_URL ? 'Redis' : 'in-memory kv'}, ${process.env.DATABASE_URL ? 'MySQL' : 'SQLite'})`,
      metrics: { signed_in_requests_per_s: Math.round(signedIn), anonymous_requests_per_s: Math.round(anonymous), me_signed_in_requests_per_s: Math.round(me) },
      targets: [{ what: 'signed-in requests/s ÷ anonymous (cost of authentication at most 15%)', ratio: signedIn / anonymous, bound: 0.85, atLeast: true }],
    };
  } finally {
    await hub.close();
  }
}
