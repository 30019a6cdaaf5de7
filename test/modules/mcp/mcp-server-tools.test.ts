// The live side of MCP servers through the GraphQL API, against real servers: tools listed over stdio
// and Streamable HTTP, dead and slow servers, crashes, idle and config-change closes, connection
// tests, the stdio child's environment, and reach by the owner's current role.
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { McpServerService } from '../../../src/modules/mcp';
import { McpServer } from '../../../src/modules/mcp/mcp-server.entity';
import { signIn, signUp, signUpAdmin } from '../../support/accounts';
import { startApp, type TestApp } from '../../support/app';
import type { GraphqlClient } from '../../support/graphql';
import { UPDATE, callTool, createServer, httpInput, listLive, liveServer, stdioInput } from '../../support/mcp-api';
import {
  EVERYTHING_SERVER,
  TEST_SERVER,
  isProcessAlive,
  startEverythingHttp,
  startTestServerHttp,
  waitUntilGone,
  type RunningHttpServer,
} from '../../support/mcp-servers';
import { freePort } from '../../support/processes';

const TEST = `mutation ($id: ID!) { testMcpServer(id: $id) { ok latencyMs serverName serverVersion toolCount error } }`;
const TEST_SERVER_TOOLS = ['echo', 'crash', 'hang', 'slow', 'set_tools', 'env', 'env_names', 'cwd', 'pid', 'request_header', 'spawn_grandchild'];

describe('MCP server tools, live', () => {
  let app: TestApp;
  let http: RunningHttpServer;

  beforeAll(async () => {
    http = await startTestServerHttp();
    app = await startApp({ ALLOWED_PRIVATE_HOSTS: `127.0.0.1:${http.port}`, TOOL_RESULT_MAX_BYTES: '2048' });
  });

  afterAll(async () => {
    await app.close();
    await http.stop();
  });

  it('lists the tools of server-everything over stdio, with their schemas and annotations', async () => {
    const admin = await signUpAdmin(app);
    const server = await createServer(admin.client, stdioInput({ args: [EVERYTHING_SERVER, 'stdio'] }));

    const live = await liveServer(admin.client, server.id);

    expect(live.status).toMatchObject({ state: 'OK', error: null });
    expect(new Date(live.status.checkedAt!).getTime()).toBeGreaterThan(Date.now() - 60_000);
    const echo = live.tools.find((tool) => tool.name === 'echo');
    expect(echo).toMatchObject({ description: expect.any(String), inputSchema: { type: 'object', properties: { message: expect.any(Object) } } });
    expect(live.tools.map((tool) => tool.name)).toEqual(expect.arrayContaining(['echo', 'get-sum']));
    expect(live.tools.some((tool) => tool.annotations !== null)).toBe(true);
  });

  it('lists the tools of server-everything over Streamable HTTP', async () => {
    const everything = await startEverythingHttp();
    try {
      const admin = await signUpAdmin(app);
      const server = await createServer(admin.client, httpInput(everything.url));

      const live = await liveServer(admin.client, server.id);

      expect(live.status.state).toBe('OK');
      expect(live.tools.map((tool) => tool.name)).toEqual(expect.arrayContaining(['echo', 'get-sum']));
    } finally {
      await everything.stop();
    }
  });

  it('lets a user reach a private host listed in ALLOWED_PRIVATE_HOSTS, and sends its headers', async () => {
    const user = await signUp(app);
    const server = await createServer(user.client, httpInput(http.url, { headers: { 'X-Api-Key': 'header-value-for-the-server' } }));

    const live = await liveServer(user.client, server.id);

    expect(live.tools.map((tool) => tool.name)).toEqual(TEST_SERVER_TOOLS);
    expect(await callTool(app, user, server.id, 'request_header', { name: 'x-api-key' })).toBe('header-value-for-the-server');
  });

  it("answers a dead server with no tools and an ERROR status saying why, without failing the others' listing", async () => {
    const admin = await signUpAdmin(app);
    const deadPort = await freePort();
    const healthy = await createServer(admin.client, stdioInput({ name: 'a healthy' }));
    const dead = await createServer(admin.client, httpInput(`http://127.0.0.1:${deadPort}/mcp`, { name: 'b dead' }));
    const hanging = await createServer(admin.client, stdioInput({ name: 'c hanging', args: [TEST_SERVER, 'stdio', '--hang-list'], listTimeoutMs: 300 }));
    const broken = await createServer(admin.client, stdioInput({ name: 'd broken', args: ['-e', 'process.exit(3)'] }));

    const result = await admin.client.request<{ mcpServers: { edges: Array<{ node: { id: string; name: string; status: { state: string; error: string }; tools: unknown[] } }> } }>(
      `{ mcpServers(first: 10) { edges { node { id name status { state error checkedAt } tools { name } } } } }`,
    );

    expect(result.errors).toBeUndefined();
    const nodes = result.data!.mcpServers.edges.map((edge) => edge.node);
    expect(nodes.map((node) => node.id)).toEqual([healthy.id, dead.id, hanging.id, broken.id]);
    const [healthyNode, deadNode, hangingNode, brokenNode] = nodes;
    expect(healthyNode).toMatchObject({ tools: expect.arrayContaining([{ name: 'echo' }]), status: { state: 'OK', error: null } });
    expect(deadNode).toMatchObject({ tools: [], status: { state: 'ERROR', error: expect.stringMatching(/cannot reach the server \(ECONNREFUSED\)/) } });
    expect(hangingNode).toMatchObject({ tools: [], status: { state: 'ERROR', error: expect.stringContaining('no answer within 300 ms') } });
    expect(brokenNode).toMatchObject({ tools: [], status: { state: 'ERROR', error: expect.stringContaining('exited with code 3') } });
  });

  it('offers no tools from a disabled server and does not start it', async () => {
    const admin = await signUpAdmin(app);
    const server = await createServer(admin.client, stdioInput({ enabled: false }));

    const live = await liveServer(admin.client, server.id);
    const call = await callTool(app, admin, server.id, 'pid').catch((error: Error) => error.message);

    expect(live).toMatchObject({ enabled: false, tools: [], status: { state: 'DISABLED', error: null, checkedAt: null } });
    expect(call).toContain('is disabled');
  });

  it('offers the agent the tools of each enabled server, by name, with what to call them by and whether to ask first', async () => {
    const admin = await signUpAdmin(app);
    const asking = await createServer(admin.client, stdioInput({ name: 'a asking', toolApproval: 'ALWAYS' }));
    const dead = await createServer(admin.client, httpInput(`http://127.0.0.1:${await freePort()}/mcp`, { name: 'b dead' }));
    await createServer(admin.client, stdioInput({ name: 'c disabled', enabled: false }));

    const offered = await app.container.get(McpServerService).toolsFor(app.orm.em.fork(), admin.id);

    expect(offered.map(({ serverId, serverName, toolApproval, status }) => ({ serverId, serverName, toolApproval, state: status.state }))).toEqual([
      { serverId: asking.id, serverName: 'a asking', toolApproval: 'ALWAYS', state: 'OK' },
      { serverId: dead.id, serverName: 'b dead', toolApproval: 'NEVER', state: 'ERROR' },
    ]);
    expect(offered[0].tools.map((tool) => tool.name)).toEqual(TEST_SERVER_TOOLS);
    expect(offered[1].tools).toEqual([]);
  });

  it('sees a new tool once the server announces its tool list changed', async () => {
    const admin = await signUpAdmin(app);
    const server = await createServer(admin.client, stdioInput());
    expect((await liveServer(admin.client, server.id)).tools.map((tool) => tool.name)).not.toContain('brand_new');

    await callTool(app, admin, server.id, 'set_tools', { names: ['brand_new'] });

    await expect(toolNamesOnceIncluding(admin.client, server.id, 'brand_new')).resolves.toContain('brand_new');
  });

  it('cuts a tool result longer than TOOL_RESULT_MAX_BYTES for the model, and says so', async () => {
    const admin = await signUpAdmin(app);
    const server = await createServer(admin.client, stdioInput());

    const text = await callTool(app, admin, server.id, 'echo', { message: 'é'.repeat(3000) });

    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(2048);
    expect(text).toMatch(/^é+\n\[output cut: \d+ of 6000 bytes not shown\]$/);
  });

  it('reconnects to a stdio server that crashed, with a new process', async () => {
    const admin = await signUpAdmin(app);
    const server = await createServer(admin.client, stdioInput());
    const firstPid = Number(await callTool(app, admin, server.id, 'pid'));

    const crash = await callTool(app, admin, server.id, 'crash', { code: 7 }).catch((error: { code?: string; message: string }) => error);
    expect(crash).toMatchObject({ code: 'UPSTREAM_FAILED' });
    expect(await waitUntilGone(firstPid)).toBe(true);
    const live = await liveServer(admin.client, server.id);
    const secondPid = Number(await callTool(app, admin, server.id, 'pid'));

    expect(live.status.state).toBe('OK');
    expect(live.tools).toHaveLength(TEST_SERVER_TOOLS.length);
    expect(secondPid).not.toBe(firstPid);
  });

  it("closes a server's process at once when its config changes or is deleted", async () => {
    const admin = await signUpAdmin(app);
    const server = await createServer(admin.client, stdioInput());
    const firstPid = Number(await callTool(app, admin, server.id, 'pid'));

    await admin.client.data(UPDATE, { id: server.id, input: { env: { MODE: 'changed' } } });
    expect(isProcessAlive(firstPid)).toBe(false);
    expect(JSON.parse(await callTool(app, admin, server.id, 'env', { names: ['MODE'] }))).toEqual({ MODE: 'changed' });
    const secondPid = Number(await callTool(app, admin, server.id, 'pid'));

    await admin.client.data(`mutation ($id: ID!) { deleteMcpServer(id: $id) }`, { id: server.id });
    expect(isProcessAlive(secondPid)).toBe(false);
  });

  it("runs a stdio server in the user's workspace with only PATH, HOME and its own env, none of ours", async () => {
    const admin = await signUpAdmin(app);
    const server = await createServer(admin.client, stdioInput({ env: { SERVICE_TOKEN: 'token-for-the-child' } }));

    const names = JSON.parse(await callTool(app, admin, server.id, 'env_names')) as string[];
    const values = JSON.parse(await callTool(app, admin, server.id, 'env', { names: ['HOME', 'SERVICE_TOKEN'] })) as Record<string, string>;
    const cwd = await callTool(app, admin, server.id, 'cwd');

    expect(names).toEqual(['HOME', 'PATH', 'SERVICE_TOKEN']);
    expect(values.SERVICE_TOKEN).toBe('token-for-the-child');
    expect(values.HOME).toBe(cwd);
    expect(cwd).toBe(join(resolve(app.config.files.dir), admin.id, 'files'));
  });

  it('tests a server with a fresh connection: its name, version and tool count, or ok: false with the reason', async () => {
    const admin = await signUpAdmin(app);
    const good = await createServer(admin.client, stdioInput());
    const dead = await createServer(admin.client, httpInput(`http://127.0.0.1:${await freePort()}/mcp`));

    const passed = (await admin.client.data(TEST, { id: good.id })).testMcpServer;
    const failed = await admin.client.request(TEST, { id: dead.id });

    expect(passed).toMatchObject({ ok: true, serverName: 'mcp-test-server', serverVersion: '1.2.3', toolCount: TEST_SERVER_TOOLS.length, error: null });
    expect(passed.latencyMs).toBeGreaterThanOrEqual(0);
    expect(failed.errors).toBeUndefined();
    expect(failed.data!.testMcpServer).toMatchObject({ ok: false, serverName: null, toolCount: null, error: expect.stringContaining('ECONNREFUSED') });
  });

  it("loses an admin's reach once demoted: a private URL is refused at connect time, and a stdio server no longer runs", async () => {
    const admin = await signUpAdmin(app);
    const otherAdmin = await signUpAdmin(app);
    const privateHttp = await startTestServerHttp();
    try {
      const httpServer = await createServer(admin.client, httpInput(privateHttp.url));
      const stdioServer = await createServer(admin.client, stdioInput());
      expect((await liveServer(admin.client, httpServer.id)).status.state).toBe('OK');
      const pid = Number(await callTool(app, admin, stdioServer.id, 'pid'));

      await otherAdmin.client.data(`mutation ($id: ID!) { setUserRole(id: $id, role: USER) { role } }`, { id: admin.id });
      const demoted = await signIn(app, admin.username, admin.password);
      const [httpLive, stdioLive] = [await liveServer(demoted.client, httpServer.id), await liveServer(demoted.client, stdioServer.id)];

      expect(httpLive).toMatchObject({ tools: [], status: { state: 'ERROR' } });
      expect(httpLive.status.error).toContain(`refused to connect to 127.0.0.1:${privateHttp.port}: 127.0.0.1 is a non-public address`);
      expect(stdioLive).toMatchObject({ tools: [], status: { state: 'ERROR', error: expect.stringContaining('Only admins may add or change STDIO MCP servers') } });
      expect(await waitUntilGone(pid)).toBe(true);
    } finally {
      await privateHttp.stop();
    }
  });

  it('refuses a redirect to an address the user may not reach', async () => {
    const redirector = await listen((_req, res) => res.writeHead(307, { location: http.url }).end());
    const port = (redirector.address() as AddressInfo).port;
    const redirecting = await startApp({ ALLOWED_PRIVATE_HOSTS: `127.0.0.1:${port}` });
    try {
      const user = await signUp(redirecting);
      const server = await createServer(user.client, httpInput(`http://127.0.0.1:${port}/mcp`));

      const live = await liveServer(user.client, server.id);

      expect(live).toMatchObject({ tools: [], status: { state: 'ERROR', error: expect.stringMatching(/Redirect to http:\/\/127\.0\.0\.1:\d+\/mcp not followed/) } });
    } finally {
      await redirecting.close();
      redirector.close();
    }
  });

  it("deleting the account deletes the user's servers and stops their processes", async () => {
    const admin = await signUpAdmin(app);
    const server = await createServer(admin.client, stdioInput());
    const pid = Number(await callTool(app, admin, server.id, 'pid'));

    await admin.client.data(`mutation ($password: String!) { deleteMe(password: $password) }`, { password: admin.password });

    expect(await waitUntilGone(pid)).toBe(true);
    expect(await app.orm.em.fork().count(McpServer, { userId: admin.id })).toBe(0);
  });
});

describe('MCP server processes and the app', () => {
  it('closes an idle stdio server after MCP_IDLE_TIMEOUT_MS and starts it again when needed', async () => {
    const app = await startApp({ MCP_IDLE_TIMEOUT_MS: '1000' });
    try {
      const admin = await signUpAdmin(app);
      const server = await createServer(admin.client, stdioInput());
      const pid = Number(await callTool(app, admin, server.id, 'pid'));

      expect(await waitUntilGone(pid, 10_000)).toBe(true);
      const live = await liveServer(admin.client, server.id);

      expect(live.status.state).toBe('OK');
      expect(Number(await callTool(app, admin, server.id, 'pid'))).not.toBe(pid);
    } finally {
      await app.close();
    }
  });

  it('refuses more stdio processes than MCP_MAX_STDIO_PER_USER with a clear error in the status, while another user runs theirs', async () => {
    const app = await startApp({ MCP_MAX_STDIO_PER_USER: '1' });
    try {
      const admin = await signUpAdmin(app);
      const otherAdmin = await signUpAdmin(app);
      await createServer(admin.client, stdioInput());
      await createServer(admin.client, stdioInput());
      const theirs = await createServer(otherAdmin.client, stdioInput());

      const statuses = (await listLive(admin.client)).map((server) => server.status);

      expect(statuses.map((status) => status.state).sort()).toEqual(['ERROR', 'OK']);
      expect(statuses.find((status) => status.state === 'ERROR')!.error).toContain('You already have 1 MCP server processes running, the most allowed at once');
      expect((await liveServer(otherAdmin.client, theirs.id)).status.state).toBe('OK');
    } finally {
      await app.close();
    }
  });

  it('leaves no server process behind once the app has closed', async () => {
    const app = await startApp();
    const admin = await signUpAdmin(app);
    const server = await createServer(admin.client, stdioInput());
    expect((await listLive(admin.client)).map((listed) => listed.status.state)).toEqual(['OK']);
    const pid = Number(await callTool(app, admin, server.id, 'pid'));
    const grandchild = Number(await callTool(app, admin, server.id, 'spawn_grandchild', { ignoreTerm: true }));

    await app.close();

    expect(isProcessAlive(pid)).toBe(false);
    // Killed with its group as the server exits; the kernel may take a moment to finish it off.
    expect(await waitUntilGone(grandchild, 5000)).toBe(true);
  });
});

/** Polls the server's tool names until they include `name` or two seconds went by; the last names. */
async function toolNamesOnceIncluding(client: GraphqlClient, id: string, name: string): Promise<string[]> {
  const until = Date.now() + 2000;
  for (;;) {
    const names = (await liveServer(client, id)).tools.map((tool) => tool.name);
    if (names.includes(name) || Date.now() > until) return names;
    await new Promise((done) => setTimeout(done, 50));
  }
}

function listen(handler: Parameters<typeof createHttpServer>[1]): Promise<Server> {
  return new Promise((resolve) => {
    const server = createHttpServer(handler);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

describe('an MCP server that answers more than can be held', () => {
  it('fails the call with UPSTREAM_FAILED saying the answer was too large, and keeps serving small ones', async () => {
    const http = await startTestServerHttp();
    const app = await startApp({ ALLOWED_PRIVATE_HOSTS: `127.0.0.1:${http.port}`, OUTBOUND_MAX_RESPONSE_BYTES: '4096' });
    try {
      const user = await signUp(app);
      const server = await createServer(user.client, httpInput(http.url));
      const failure = await callTool(app, user, server.id, 'echo', { message: 'x'.repeat(10_000) }).then(
        () => null,
        (error: { code?: string; message: string }) => error,
      );
      expect(failure).toMatchObject({ code: 'UPSTREAM_FAILED', message: expect.stringContaining('The response is too large') });
      expect(await callTool(app, user, server.id, 'echo', { message: 'small' })).toBe('small');
    } finally {
      await app.close();
      await http.stop();
    }
  });
});
