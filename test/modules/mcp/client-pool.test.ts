import { randomUUID } from 'node:crypto';
import { McpClientPool, type McpClientPoolOptions, type McpConnectionSpec } from '../../../src/modules/mcp/client-pool';
import { AppError } from '../../../src/platform/errors';
import {
  EVERYTHING_SERVER,
  STDIO_BASE_ENV,
  textOf,
  TEST_SERVER,
  isProcessAlive,
  makeWorkspace,
  waitUntilGone,
} from '../../support/mcp-servers';
import { freePort } from '../../support/processes';

// Retries an assertion until it holds: a pool's books close a moment after its process is reaped.
const eventually = async (assertion: () => void, timeoutMs = 2000): Promise<void> => {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      return assertion();
    } catch (error) {
      if (Date.now() > until) throw error;
      await new Promise((done) => setTimeout(done, 20));
    }
  }
};

describe('McpClientPool over stdio', () => {
  let workspace: { dir: string; remove(): Promise<void> };
  const pools: McpClientPool[] = [];
  const grandchildren: number[] = [];

  const newPool = (options: Partial<McpClientPoolOptions> = {}) => {
    const pool = new McpClientPool({ stdioBaseEnv: STDIO_BASE_ENV, killGraceMs: 500, ...options });
    pools.push(pool);
    return pool;
  };

  const testServer = (overrides: Partial<McpConnectionSpec> = {}): McpConnectionSpec => ({
    id: randomUUID(),
    name: 'test server',
    userId: 'user-1',
    version: '1',
    transport: 'STDIO',
    command: process.execPath,
    args: [TEST_SERVER, 'stdio'],
    cwd: workspace.dir,
    ...overrides,
  });

  const upstreamError = async (promise: Promise<unknown>): Promise<AppError> => {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  };

  beforeAll(async () => {
    workspace = await makeWorkspace();
  });

  afterEach(async () => {
    await Promise.all(pools.splice(0).map((pool) => pool.close()));
    for (const pid of grandchildren.splice(0)) await waitUntilGone(pid, 5000);
  });

  afterAll(async () => {
    await workspace.remove();
  });

  it('lists the tools of server-everything over stdio and calls its echo', async () => {
    const pool = newPool();
    const everything = testServer({ name: 'everything', args: [EVERYTHING_SERVER, 'stdio'] });

    const tools = await pool.listTools(everything);
    const result = await pool.callTool(everything, 'echo', { message: 'hello there' });

    expect(tools.map((tool) => tool.name)).toEqual(expect.arrayContaining(['echo', 'get-sum', 'get-tiny-image']));
    expect(tools.find((tool) => tool.name === 'echo')?.inputSchema).toMatchObject({ properties: { message: { type: 'string' } } });
    expect(textOf(result)).toBe('Echo: hello there');
    expect(pool.status(everything.id)).toMatchObject({ state: 'OK', error: null });
  });

  it('shares one process between concurrent first users of a server', async () => {
    const pool = newPool();
    const spec = testServer();

    const results = await Promise.all([
      pool.callTool(spec, 'pid', {}),
      pool.callTool(spec, 'pid', {}),
      pool.listTools(spec),
      pool.callTool(spec, 'pid', {}),
    ]);

    const pids = new Set([results[0], results[1], results[3]].map((r) => Number(textOf(r))));
    expect([...pids]).toEqual([pool.pidOf(spec.id)]);
    expect(pool.counts()).toEqual({ clients: 1, stdioProcesses: 1 });
  });

  it('reports a crash with its exit code and stderr, then starts a new process on the next call', async () => {
    const pool = newPool();
    const spec = testServer({ name: 'crashy' });
    await pool.callTool(spec, 'echo', { message: 'before' });
    const firstPid = pool.pidOf(spec.id)!;

    const error = await upstreamError(pool.callTool(spec, 'crash', { code: 3 }));

    expect(error.code).toBe('UPSTREAM_FAILED');
    expect(error.message).toBe(
      'MCP server "crashy" failed on tools/call "crash": the MCP server process exited with code 3; its stderr ended with: crashing on request',
    );
    expect(pool.status(spec.id)).toMatchObject({ state: 'ERROR', error: expect.stringContaining('exited with code 3') });
    expect(isProcessAlive(firstPid)).toBe(false);

    const after = await pool.callTool(spec, 'echo', { message: 'after' });
    expect(textOf(after)).toBe('after');
    expect(pool.pidOf(spec.id)).toEqual(expect.any(Number));
    expect(pool.pidOf(spec.id)).not.toBe(firstPid);
    expect(pool.status(spec.id).state).toBe('OK');
  });

  it('fails a hanging tool call after the configured timeout and keeps the server', async () => {
    const pool = newPool({ callTimeoutMs: 300 });
    const spec = testServer({ name: 'sleepy' });
    await pool.listTools(spec);
    const pid = pool.pidOf(spec.id);

    const error = await upstreamError(pool.callTool(spec, 'hang', {}));

    expect(error.code).toBe('UPSTREAM_FAILED');
    expect(error.message).toBe('MCP server "sleepy" failed on tools/call "hang": no answer within 300 ms');
    expect(textOf(await pool.callTool(spec, 'echo', { message: 'still here' }))).toBe('still here');
    expect(pool.pidOf(spec.id)).toBe(pid);
  });

  it('lets a per-call timeout override the default and a per-server one', async () => {
    const pool = newPool({ callTimeoutMs: 5000 });
    const spec = testServer({ timeouts: { callMs: 200 } });

    await expect(pool.callTool(spec, 'slow', { ms: 1000 })).rejects.toThrow('no answer within 200 ms');
    expect(textOf(await pool.callTool(spec, 'slow', { ms: 400 }, { timeoutMs: 3000 }))).toBe('waited 400 ms');
  });

  it('rejects with the caller\'s reason when the caller aborts a call', async () => {
    const pool = newPool();
    const spec = testServer();
    const controller = new AbortController();
    const call = pool.callTool(spec, 'hang', {}, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('run cancelled')), 200);

    await expect(call).rejects.toThrow('run cancelled');
  });

  it('gives a server whose tools/list hangs no tools and an ERROR status, without holding up the others', async () => {
    // Room for a loaded machine to start the healthy child within the same budget.
    const pool = newPool({ listTimeoutMs: 2500 });
    const stuck = testServer({ name: 'stuck', args: [TEST_SERVER, 'stdio', '--hang-list'] });
    const healthy = testServer({ name: 'healthy' });

    const [stuckTools, healthyTools] = await Promise.all([pool.resolveTools(stuck), pool.resolveTools(healthy)]);

    expect(stuckTools.tools).toEqual([]);
    expect(stuckTools.status).toEqual({ state: 'ERROR', error: 'no answer within 2500 ms', checkedAt: expect.any(Date) });
    expect(healthyTools.tools.map((tool) => tool.name)).toContain('echo');
    expect(healthyTools.status).toMatchObject({ state: 'OK', error: null });
  });

  it('gives a server that cannot start no tools and says why', async () => {
    const pool = newPool();
    const broken = testServer({ name: 'broken', command: '/nonexistent/bin/mcp-server' });

    const { tools, status } = await pool.resolveTools(broken);

    expect(tools).toEqual([]);
    expect(status).toMatchObject({ state: 'ERROR', error: 'cannot start "/nonexistent/bin/mcp-server": command not found (ENOENT)' });
    await expect(pool.listTools(broken)).rejects.toThrow('MCP server "broken" failed on tools/list: cannot start');
    expect(pool.counts()).toEqual({ clients: 0, stdioProcesses: 0 });
  });

  it('caches the tool list and drops it when the server says its tools changed', async () => {
    const pool = newPool();
    const spec = testServer();
    const first = await pool.listTools(spec);
    expect(await pool.listTools(spec)).toBe(first);

    await pool.callTool(spec, 'set_tools', { names: ['added_tool'] });
    const after = await pool.listTools(spec);

    expect(first.map((tool) => tool.name)).not.toContain('added_tool');
    expect(after.map((tool) => tool.name)).toContain('added_tool');
  });

  it('closes an idle client and its process after idleMs', async () => {
    const pool = newPool({ idleMs: 200 });
    const spec = testServer();
    await pool.listTools(spec);
    const pid = pool.pidOf(spec.id)!;

    expect(await waitUntilGone(pid, 5000)).toBe(true);
    await eventually(() => expect(pool.counts()).toEqual({ clients: 0, stdioProcesses: 0 }));
  });

  it('does not close a client while a call is in flight, however long it takes', async () => {
    const pool = newPool({ idleMs: 100 });
    const spec = testServer();
    await pool.listTools(spec);
    const pid = pool.pidOf(spec.id);

    const result = await pool.callTool(spec, 'slow', { ms: 600 });

    expect(textOf(result)).toBe('waited 600 ms');
    expect(pool.pidOf(spec.id)).toBe(pid);
  });

  it('kills the process at once on invalidate and forgets the tools and status', async () => {
    const pool = newPool();
    const spec = testServer();
    await pool.listTools(spec);
    const pid = pool.pidOf(spec.id)!;

    await pool.invalidate(spec.id);

    expect(isProcessAlive(pid)).toBe(false);
    expect(pool.status(spec.id)).toEqual({ state: 'UNKNOWN', error: null, checkedAt: null });
    expect(pool.counts()).toEqual({ clients: 0, stdioProcesses: 0 });
  });

  it('replaces the client when the config version changes', async () => {
    const pool = newPool();
    const spec = testServer({ env: { GREETING: 'first' } });
    await pool.callTool(spec, 'echo', { message: 'v1' });
    const oldPid = pool.pidOf(spec.id)!;

    const result = await pool.callTool({ ...spec, version: '2', env: { GREETING: 'second' } }, 'env', { names: ['GREETING'] });

    expect(JSON.parse(textOf(result))).toEqual({ GREETING: 'second' });
    expect(pool.pidOf(spec.id)).not.toBe(oldPid);
    expect(await waitUntilGone(oldPid, 5000)).toBe(true);
  });

  it('leaves no process behind after close(), grandchildren included', async () => {
    const pool = newPool();
    const one = testServer();
    const two = testServer();
    const stubborn = Number(textOf(await pool.callTool(one, 'spawn_grandchild', { ignoreTerm: true })));
    const plain = Number(textOf(await pool.callTool(two, 'spawn_grandchild', {})));
    grandchildren.push(stubborn, plain);
    const leaders = [pool.pidOf(one.id)!, pool.pidOf(two.id)!];
    expect([...leaders, stubborn, plain].every(isProcessAlive)).toBe(true);

    await pool.close();

    expect(leaders.map(isProcessAlive)).toEqual([false, false]);
    expect(await waitUntilGone(stubborn)).toBe(true);
    expect(await waitUntilGone(plain)).toBe(true);
    await expect(pool.listTools(one)).rejects.toThrow('shutting down');
  });

  it('gives the child a minimal environment, without our secrets, and runs it in the workspace', async () => {
    process.env.JWT_SECRET = 'jwt-secret-of-the-hub';
    const pool = newPool();
    const spec = testServer({ env: { API_TOKEN: 'token-of-the-user' } });

    const names = JSON.parse(textOf(await pool.callTool(spec, 'env_names', {})));
    const values = JSON.parse(textOf(await pool.callTool(spec, 'env', { names: ['JWT_SECRET', 'HOME', 'API_TOKEN'] })));
    const cwd = textOf(await pool.callTool(spec, 'cwd', {}));

    expect(names).toEqual(['API_TOKEN', 'HOME', 'PATH']);
    expect(values).toEqual({ JWT_SECRET: null, HOME: workspace.dir, API_TOKEN: 'token-of-the-user' });
    expect(cwd).toBe(workspace.dir);
    delete process.env.JWT_SECRET;
  });

  it('never puts env values in error messages', async () => {
    const pool = newPool();
    const leaky = testServer({
      name: 'leaky',
      args: ['-e', "console.error('my token is ' + process.env.API_TOKEN); process.exit(4)"],
      env: { API_TOKEN: 'supersecretvalue' },
    });

    const error = await upstreamError(pool.listTools(leaky));

    expect(error.message).toContain('exited with code 4; its stderr ended with: my token is [redacted]');
    expect(error.message).not.toContain('supersecretvalue');
    expect(pool.status(leaky.id).error).not.toContain('supersecretvalue');
  });

  it('refuses more live processes than the per-user and total caps, with a clear error', async () => {
    const pool = newPool({ maxStdioPerUser: 2, maxStdioTotal: 3 });
    const [a1, a2, a3] = [testServer(), testServer(), testServer()];
    const b1 = testServer({ userId: 'user-2' });
    const c1 = testServer({ userId: 'user-3' });
    await pool.listTools(a1);
    await pool.listTools(a2);

    const perUser = await upstreamError(pool.listTools(a3));
    expect(perUser.code).toBe('RATE_LIMITED');
    expect(perUser.message).toBe('You already have 2 MCP server processes running, the most allowed at once; unused ones stop after 300 s.');
    expect(perUser.extensions.retryAfterSeconds).toEqual(expect.any(Number));

    await pool.listTools(b1);
    const total = await upstreamError(pool.listTools(c1));
    expect(total.code).toBe('RATE_LIMITED');
    expect(total.message).toBe('Too many MCP server processes are running on this host (3); try again shortly.');
    expect(pool.status(c1.id)).toMatchObject({ state: 'ERROR', error: total.message });

    await pool.invalidate(a1.id);
    expect((await pool.listTools(a3)).length).toBeGreaterThan(0);
    expect(pool.counts()).toEqual({ clients: 3, stdioProcesses: 3 });
  });

  it('tests a connection without pooling it', async () => {
    const pool = newPool();
    const spec = testServer();

    const result = await pool.testConnection(spec);

    expect(result).toEqual({
      ok: true,
      latencyMs: expect.any(Number),
      serverName: 'mcp-test-server',
      serverVersion: '1.2.3',
      toolCount: 11,
      error: null,
    });
    expect(pool.counts()).toEqual({ clients: 0, stdioProcesses: 0 });
  });

  it('reports a dead command or a refused port as not ok, without throwing', async () => {
    const pool = newPool();
    const port = await freePort();

    const deadCommand = await pool.testConnection(testServer({ command: '/nonexistent/bin/mcp-server' }));
    const refused = await pool.testConnection(testServer({ transport: 'STREAMABLE_HTTP', url: `http://127.0.0.1:${port}/mcp` }));
    const exits = await pool.testConnection(testServer({ args: ['-e', 'process.exit(9)'] }));

    expect(deadCommand).toMatchObject({ ok: false, toolCount: null, error: 'cannot start "/nonexistent/bin/mcp-server": command not found (ENOENT)' });
    expect(refused).toMatchObject({ ok: false, error: 'cannot reach the server (ECONNREFUSED)' });
    expect(exits).toMatchObject({ ok: false, error: 'the MCP server process exited with code 9' });
  });
});
