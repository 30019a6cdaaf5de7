// tools/call `echo` on stdio server-everything: through the pool (one live client) against a fresh
// connection per call (spawn, initialize, call, close). Target: the pool at least 10 times faster.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { McpClientPool, type McpConnectionSpec } from '../src/modules/mcp/client-pool';
import { McpConnection } from '../src/modules/mcp/mcp-connection';
import type { BenchResult } from './bench';

const POOLED_CALLS = 300;
const FRESH_CALLS = 15;
const TIMEOUT_MS = 30_000;

export default async function mcpPoolBench(): Promise<BenchResult> {
  const workspace = await mkdtemp(join(tmpdir(), 'bench-mcp-'));
  const everything = join(dirname(require.resolve('@modelcontextprotocol/server-everything/package.json')), 'dist/index.js');
  const stdioBaseEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
  const spec: McpConnectionSpec = {
    id: randomUUID(),
    name: 'everything',
    userId: 'bench',
    version: '1',
    transport: 'STDIO',
    command: process.execPath,
    args: [everything, 'stdio'],
    cwd: workspace,
  };
  const pool = new McpClientPool({ stdioBaseEnv });

  try {
    await pool.callTool(spec, 'echo', { message: 'warm-up' });
    const pooledMs = await meanMs(POOLED_CALLS, (i) => pool.callTool(spec, 'echo', { message: `call ${i}` }));

    const freshMs = await meanMs(FRESH_CALLS, async (i) => {
      const connection = new McpConnection(spec, { clientInfo: { name: 'bench', version: '1' }, stdioBaseEnv });
      try {
        await connection.connect(TIMEOUT_MS);
        await connection.callTool('echo', { message: `call ${i}` }, { timeout: TIMEOUT_MS });
      } finally {
        await connection.close();
      }
    });

    return {
      name: 'mcp-pool: tools/call echo on stdio server-everything',
      metrics: { pooled_ms_per_call: pooledMs, fresh_connection_ms_per_call: freshMs, pooled_calls: POOLED_CALLS, fresh_calls: FRESH_CALLS },
      targets: [{ what: 'pool speed-up over a fresh connection per call', ratio: freshMs / pooledMs, bound: 10, atLeast: true }],
    };
  } finally {
    await pool.close();
    await rm(workspace, { recursive: true, force: true });
  }
}

async function meanMs(calls: number, call: (i: number) => Promise<unknown>): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < calls; i++) await call(i);
  return (performance.now() - started) / calls;
}
