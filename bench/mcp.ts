// Both MCP targets. The pool's (bench/mcp-pool.ts), and `mcpServers(first: 20) { tools }` over 20
// Streamable HTTP servers that each take 100 to 290 ms to answer tools/list, against the same query
// for the slowest one alone; the tools cache is off (MCP_TOOLS_CACHE_MS=0), so every query lists
// afresh over the pooled connections. Target: the 20-server listing within 1.5 times the single one.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GraphqlClient } from '../test/support/graphql';
import { startTestServerHttp } from '../test/support/mcp-servers';
import type { BenchResult } from './bench';
import mcpPoolBench from './mcp-pool';
import { startChild } from './servers';

const SERVERS = 20;
const ROUNDS = 10;
const listDelayMs = (i: number) => 100 + 10 * i;

const LIST = `{ mcpServers(first: ${SERVERS}) { edges { node { tools { name } } } } }`;
const ONE = `query ($id: ID!) { mcpServer(id: $id) { tools { name } } }`;

interface Listing {
  mcpServers?: { edges: Array<{ node: { tools: unknown[] } }> };
  mcpServer?: { tools: unknown[] };
}

async function listingBench(): Promise<Pick<BenchResult, 'metrics' | 'targets'>> {
  const mcp = await startTestServerHttp();
  const data = mkdtempSync(join(tmpdir(), 'hub-bench-mcp-'));
  const hub = await startChild('hub', {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    JWT_SECRET: 'bench-secret-bench-secret-bench-secret',
    SECRETS_KEY: '0'.repeat(64),
    SQLITE_PATH: join(data, 'bench.sqlite'),
    FILES_DIR: join(data, 'files'),
    ALLOWED_PRIVATE_HOSTS: `127.0.0.1:${mcp.port}`,
    MCP_TOOLS_CACHE_MS: '0',
  });
  try {
    const anonymous = new GraphqlClient(hub.url.replace(/\/graphql$/, ''));
    const { register } = await anonymous.data<{ register: { accessToken: string } }>(
      `mutation { register(input: { username: "bench_mcp", password: "bench-password-1" }) { accessToken } }`,
    );
    const client = anonymous.withToken(register.accessToken);
    const ids: string[] = [];
    for (let i = 0; i < SERVERS; i++) {
      const input = { name: `server ${i}`, transport: 'STREAMABLE_HTTP', url: `${mcp.url}?listDelayMs=${listDelayMs(i)}` };
      const created = await client.data<{ createMcpServer: { id: string } }>(`mutation ($input: CreateMcpServerInput!) { createMcpServer(input: $input) { id } }`, { input });
      ids.push(created.createMcpServer.id);
    }
    const slowest = ids[SERVERS - 1];

    const timed = async (query: string, variables: Record<string, unknown> | undefined, tools: (data: Listing) => number, expected: number) => {
      const started = performance.now();
      const listed = tools(await client.data<Listing>(query, variables));
      const ms = performance.now() - started;
      if (listed !== expected) throw new Error(`expected ${expected} tools, got ${listed}`);
      return ms;
    };
    const allTools = (data: Listing) => data.mcpServers!.edges.reduce((sum, edge) => sum + edge.node.tools.length, 0);
    const oneTools = (data: Listing) => data.mcpServer!.tools.length;
    const perServer = oneTools(await client.data<Listing>(ONE, { id: slowest }));
    // Every pooled client connected once before measuring.
    await timed(LIST, undefined, allTools, SERVERS * perServer);

    let all = 0;
    let one = 0;
    for (let round = 0; round < ROUNDS; round++) {
      all += await timed(LIST, undefined, allTools, SERVERS * perServer);
      one += await timed(ONE, { id: slowest }, oneTools, perServer);
    }
    all /= ROUNDS;
    one /= ROUNDS;
    return {
      metrics: { twenty_servers_ms: all, slowest_server_ms: one, rounds: ROUNDS },
      targets: [{ what: `${SERVERS}-server listing ÷ slowest single server`, ratio: all / one, bound: 1.5, atLeast: false }],
    };
  } finally {
    await hub.close();
    await mcp.stop();
  }
}

export default async function mcpBench(): Promise<BenchResult> {
  const pool = await mcpPoolBench();
  const listing = await listingBench();
  return {
    name:
      `mcp: tools/call echo through the pool vs a fresh connection; mcpServers { tools } over ${SERVERS} HTTP servers ` +
      `(tools/list in ${listDelayMs(0)}-${listDelayMs(SERVERS - 1)} ms) vs the slowest alone`,
    metrics: { ...pool.metrics, ...listing.metrics },
    targets: [...pool.targets, ...listing.targets],
  };
}
