import { randomUUID } from 'node:crypto';
import { McpClientPool, type McpConnectionSpec } from '../../../src/modules/mcp/client-pool';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  STDIO_BASE_ENV,
  textOf,
  startEverythingHttp,
  startTestServerHttp,
  type RunningHttpServer,
} from '../../support/mcp-servers';
import { freePort } from '../../support/processes';

describe('McpClientPool over Streamable HTTP', () => {
  const servers: RunningHttpServer[] = [];
  const pools: McpClientPool[] = [];

  const newPool = (fetch?: FetchLike) => {
    const pool = new McpClientPool({ stdioBaseEnv: STDIO_BASE_ENV, fetch });
    pools.push(pool);
    return pool;
  };

  const httpServer = (url: string, overrides: Partial<McpConnectionSpec> = {}): McpConnectionSpec => ({
    id: randomUUID(),
    name: 'http server',
    userId: 'user-1',
    version: '1',
    transport: 'STREAMABLE_HTTP',
    url,
    ...overrides,
  });

  const started = async (start: Promise<RunningHttpServer>) => {
    const server = await start;
    servers.push(server);
    return server;
  };

  afterEach(async () => {
    await Promise.all(pools.splice(0).map((pool) => pool.close()));
    await Promise.all(servers.splice(0).map((server) => server.stop()));
  });

  it('lists the tools of server-everything and calls its echo', async () => {
    const everything = await started(startEverythingHttp());
    const pool = newPool();
    const spec = httpServer(everything.url, { name: 'everything' });

    const tools = await pool.listTools(spec);
    const result = await pool.callTool(spec, 'echo', { message: 'over http' });

    expect(tools.map((tool) => tool.name)).toEqual(expect.arrayContaining(['echo', 'get-sum']));
    expect(textOf(result)).toBe('Echo: over http');
    expect(pool.status(spec.id)).toMatchObject({ state: 'OK' });
    expect(await pool.testConnection(spec)).toMatchObject({ ok: true, serverName: 'mcp-servers/everything', error: null });
  });

  it('opens a new session when the server restarted and forgot the old one', async () => {
    const first = await started(startTestServerHttp());
    const pool = newPool();
    const spec = httpServer(first.url);
    expect(textOf(await pool.callTool(spec, 'echo', { message: 'first session' }))).toBe('first session');

    await first.stop();
    await started(startTestServerHttp(first.port));
    const result = await pool.callTool(spec, 'echo', { message: 'second session' });

    expect(textOf(result)).toBe('second session');
    expect(pool.status(spec.id)).toMatchObject({ state: 'OK', error: null });
  });

  it('sends the configured headers through the given fetch', async () => {
    const server = await started(startTestServerHttp());
    const fetched: string[] = [];
    const pool = newPool((url, init) => {
      fetched.push(String(url));
      return fetch(url, init);
    });
    const spec = httpServer(server.url, { headers: { 'X-Api-Key': 'key-of-the-user' } });

    const result = await pool.callTool(spec, 'request_header', { name: 'X-Api-Key' });

    expect(textOf(result)).toBe('key-of-the-user');
    expect(fetched).toContain(server.url);
  });

  it("reaches a server through its spec's own fetch rather than the pool's", async () => {
    const server = await started(startTestServerHttp());
    const through: string[] = [];
    const via = (name: string): FetchLike => (url, init) => {
      through.push(name);
      return fetch(url, init);
    };
    const pool = newPool(via('pool'));

    await pool.listTools(httpServer(server.url, { fetch: via('spec') }));

    expect(new Set(through)).toEqual(new Set(['spec']));
  });

  it('drops the cached tool list when the server notifies list_changed', async () => {
    const server = await started(startTestServerHttp());
    const pool = newPool();
    const spec = httpServer(server.url);
    const before = await pool.listTools(spec);

    await pool.callTool(spec, 'set_tools', { names: ['added_over_http'] });

    // Over HTTP the notification comes on the session's own SSE stream, a moment after the call's answer.
    expect(before.map((tool) => tool.name)).not.toContain('added_over_http');
    for (let i = 0; i < 100 && !(await pool.listTools(spec)).some((tool) => tool.name === 'added_over_http'); i++) {
      await new Promise((done) => setTimeout(done, 20));
    }
    expect((await pool.listTools(spec)).map((tool) => tool.name)).toContain('added_over_http');
  });

  it('gives a server on a refused port no tools and an ERROR status, not a failure of the others', async () => {
    const healthy = await started(startTestServerHttp());
    const pool = newPool();
    const down = httpServer(`http://127.0.0.1:${await freePort()}/mcp`, { name: 'down' });

    const [downTools, healthyTools] = await Promise.all([pool.resolveTools(down), pool.resolveTools(httpServer(healthy.url))]);

    expect(downTools).toEqual({
      tools: [],
      status: { state: 'ERROR', error: 'cannot reach the server (ECONNREFUSED)', checkedAt: expect.any(Date) },
    });
    expect(healthyTools.tools.length).toBeGreaterThan(0);
    await expect(pool.callTool(down, 'echo', { message: 'x' })).rejects.toThrow(
      'MCP server "down" failed on tools/call "echo": cannot reach the server (ECONNREFUSED)',
    );
  });
});
