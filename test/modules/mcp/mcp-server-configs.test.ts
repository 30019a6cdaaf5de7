// MCP server configs through the GraphQL API: CRUD, validation, ownership, who may run commands on
// the host, and which URLs a user may give.
import { signUp, signUpAdmin, uniqueName, type TestUser } from '../../support/accounts';
import { startApp, type TestApp } from '../../support/app';
import { CREATE, GET_LIVE, SERVER_FIELDS, UPDATE, createServer, httpInput, liveServer, stdioInput, type McpServerData } from '../../support/mcp-api';
import { TEST_SERVER } from '../../support/mcp-servers';

// A name no resolver knows, let through by ALLOWED_PRIVATE_HOSTS: configs are saved without being reached.
const ALLOWED_URL = 'http://mcp.internal.test:8080/mcp';

describe('MCP server configs', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startApp({ ALLOWED_PRIVATE_HOSTS: 'mcp.internal.test:8080' });
  });

  afterAll(async () => {
    await app.close();
  });

  const read = async (user: TestUser, id: string) =>
    (await user.client.data<{ mcpServer: McpServerData }>(`query ($id: ID!) { mcpServer(id: $id) { ${SERVER_FIELDS} } }`, { id })).mcpServer;

  const list = async (user: TestUser) =>
    (
      await user.client.data<{ mcpServers: { totalCount: number; edges: Array<{ node: McpServerData }> } }>(
        `{ mcpServers(first: 50) { totalCount edges { node { ${SERVER_FIELDS} } } } }`,
      )
    ).mcpServers;

  it('creates a Streamable HTTP server with the defaults, reads it back and lists it by name', async () => {
    const user = await signUp(app);
    const second = await createServer(user.client, httpInput(ALLOWED_URL, { name: 'Zeta tools' }));
    const first = await createServer(user.client, httpInput(ALLOWED_URL, { name: 'alpha tools', description: 'Search things', toolApproval: 'ALWAYS' }));

    expect(first).toMatchObject({
      name: 'alpha tools',
      description: 'Search things',
      transport: 'STREAMABLE_HTTP',
      url: ALLOWED_URL,
      command: null,
      args: [],
      hasEnv: false,
      hasHeaders: false,
      enabled: true,
      toolApproval: 'ALWAYS',
      listTimeoutMs: null,
      callTimeoutMs: null,
    });
    expect(second.toolApproval).toBe('NEVER');
    expect(await read(user, first.id)).toEqual(first);
    const listed = await list(user);
    expect(listed.totalCount).toBe(2);
    expect(listed.edges.map((edge) => edge.node.name)).toEqual(['alpha tools', 'Zeta tools']);
  });

  it('updates only the fields given, replacing headers whole', async () => {
    const user = await signUp(app);
    const server = await createServer(user.client, httpInput(ALLOWED_URL, { description: 'before', headers: { 'X-Api-Key': 'first-key-value' } }));
    expect(server.hasHeaders).toBe(true);

    const renamed = (await user.client.data(UPDATE, { id: server.id, input: { name: 'renamed', listTimeoutMs: 2500 } })).updateMcpServer;
    expect(renamed).toMatchObject({ name: 'renamed', description: 'before', url: ALLOWED_URL, hasHeaders: true, listTimeoutMs: 2500 });

    const cleared = (await user.client.data(UPDATE, { id: server.id, input: { headers: {}, description: null, listTimeoutMs: null } })).updateMcpServer;
    expect(cleared).toMatchObject({ name: 'renamed', description: null, hasHeaders: false, listTimeoutMs: null });
  });

  it('deletes a server: it leaves the list, its id answers null and changing it NOT_FOUND', async () => {
    const user = await signUp(app);
    const server = await createServer(user.client, httpInput(ALLOWED_URL));

    const deleted = await user.client.data(`mutation ($id: ID!) { deleteMcpServer(id: $id) }`, { id: server.id });

    expect(deleted.deleteMcpServer).toBe(true);
    expect((await list(user)).totalCount).toBe(0);
    expect(await user.client.data(GET_LIVE, { id: server.id })).toEqual({ mcpServer: null });
    const error = await user.client.error(UPDATE, { id: server.id, input: { name: 'back' } });
    expect(error.extensions?.code).toBe('NOT_FOUND');
  });

  it('a stdio server needs a command and a Streamable HTTP server a url', async () => {
    const admin = await signUpAdmin(app);

    const noCommand = await admin.client.error(CREATE, { input: { name: 'no command', transport: 'STDIO' } });
    const noUrl = await admin.client.error(CREATE, { input: { name: 'no url', transport: 'STREAMABLE_HTTP', url: '  ' } });

    expect(noCommand.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { command: 'is required for a STDIO server' } });
    expect(noUrl.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { url: 'is required for a STREAMABLE_HTTP server' } });
  });

  it('env and headers must be objects of string values; the error names the bad key', async () => {
    const admin = await signUpAdmin(app);

    const envNumber = await admin.client.error(CREATE, { input: stdioInput({ env: { GOOD: 'x', PORT_NUMBER: 8080 } }) });
    const envList = await admin.client.error(CREATE, { input: stdioInput({ env: ['A=1'] }) });
    const badHeaderName = await admin.client.error(CREATE, { input: httpInput(ALLOWED_URL, { headers: { 'Bad Header': 'x' } }) });
    const headerLineBreak = await admin.client.error(CREATE, { input: httpInput(ALLOWED_URL, { headers: { 'X-Token': 'a\r\nHost: evil' } }) });

    expect(envNumber.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { env: 'the value of "PORT_NUMBER" must be a string' } });
    expect(envList.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { env: expect.stringContaining('must be an object of string values') } });
    expect(badHeaderName.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { headers: expect.stringContaining('"Bad Header" is not a valid name') } });
    expect(headerLineBreak.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { headers: 'the value of "X-Token" must not contain line breaks or NUL characters' } });
  });

  it("refuses the other transport's fields, and drops them when the transport changes", async () => {
    const admin = await signUpAdmin(app);
    const mixed = await admin.client.error(CREATE, { input: stdioInput({ url: ALLOWED_URL, headers: { 'X-A': 'b' } }) });
    expect(mixed.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: { url: 'is only for STREAMABLE_HTTP servers', headers: 'is only for STREAMABLE_HTTP servers' },
    });

    const server = await createServer(admin.client, stdioInput({ env: { MODE: 'test' } }));
    const switched = (await admin.client.data(UPDATE, { id: server.id, input: { transport: 'STREAMABLE_HTTP', url: ALLOWED_URL } })).updateMcpServer;

    expect(switched).toMatchObject({ transport: 'STREAMABLE_HTTP', url: ALLOWED_URL, command: null, args: [], hasEnv: false });
  });

  it('names are unique per user without regard to case, and two users may use the same name', async () => {
    const user = await signUp(app);
    const other = await signUp(app);
    await createServer(user.client, httpInput(ALLOWED_URL, { name: 'Search' }));
    const renameMe = await createServer(user.client, httpInput(ALLOWED_URL, { name: 'Other' }));

    const duplicate = await user.client.error(CREATE, { input: httpInput(ALLOWED_URL, { name: ' search ' }) });
    const renamedOnto = await user.client.error(UPDATE, { id: renameMe.id, input: { name: 'SEARCH' } });
    const theirs = await createServer(other.client, httpInput(ALLOWED_URL, { name: 'Search' }));

    expect(duplicate.extensions).toMatchObject({ code: 'CONFLICT', fields: { name: expect.stringContaining('already the name') } });
    expect(renamedOnto.extensions?.code).toBe('CONFLICT');
    expect(theirs.name).toBe('Search');
    expect((await list(user)).edges.map((edge) => edge.node.name)).toEqual(['Other', 'Search']);
  });

  it('bounds what a config may hold: name, arguments and timeouts', async () => {
    const admin = await signUpAdmin(app);

    const error = await admin.client.error(CREATE, {
      input: stdioInput({ name: 'n'.repeat(101), args: Array.from({ length: 101 }, (_, i) => `arg${i}`), listTimeoutMs: 50, callTimeoutMs: 4_000_000 }),
    });
    const blank = await admin.client.error(CREATE, { input: httpInput(ALLOWED_URL, { name: '   ' }) });
    const bigEnv = await admin.client.error(CREATE, { input: stdioInput({ env: { BIG: 'x'.repeat(40 * 1024) } }) });

    expect(error.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: {
        name: 'must be 1 to 100 characters',
        args: 'must be at most 100 arguments',
        listTimeoutMs: 'must be from 100 to 600000 ms',
        callTimeoutMs: 'must be from 100 to 3600000 ms',
      },
    });
    expect(blank.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { name: 'must not be blank' } });
    expect(bigEnv.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { env: 'must be at most 32 KB in all' } });
  });

  it('bounds arguments, env and headers by the size they are stored at, however they are spelled', async () => {
    const admin = await signUpAdmin(app);

    const longArgs = await admin.client.error(CREATE, { input: stdioInput({ args: Array.from({ length: 20 }, () => 'a'.repeat(4000)) }) });
    // Within 32 KB of characters, but twice that once written down as JSON.
    const quotedEnv = await admin.client.error(CREATE, { input: stdioInput({ env: { QUOTES: '"'.repeat(30 * 1024) } }) });
    const escapedHeaders = await admin.client.error(CREATE, { input: httpInput(ALLOWED_URL, { headers: { 'X-Odd': '\u0001'.repeat(10 * 1024) } }) });
    const fits = await createServer(admin.client, stdioInput({ args: Array.from({ length: 7 }, () => 'a'.repeat(4000)), env: { QUOTES: '"'.repeat(15 * 1024) } }));

    expect(longArgs.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { args: 'must be at most 32 KB in all' } });
    expect(quotedEnv.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { env: 'must be at most 32 KB in all' } });
    expect(escapedHeaders.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { headers: 'must be at most 16 KB in all' } });
    expect(fits).toMatchObject({ hasEnv: true, args: Array(7).fill('a'.repeat(4000)) });
    expect((await read(admin, fits.id)).args).toHaveLength(7);
  });

  it("another user's server answers exactly like an id that does not exist: null to read, NOT_FOUND to change", async () => {
    const owner = await signUp(app);
    const stranger = await signUp(app);
    const server = await createServer(owner.client, httpInput(ALLOWED_URL));
    const missing = '01900000-0000-7000-8000-000000000000';

    for (const id of [server.id, missing]) {
      expect(await stranger.client.data(GET_LIVE, { id })).toEqual({ mcpServer: null });
      const answers = await Promise.all([
        stranger.client.error(UPDATE, { id, input: { name: 'mine now' } }),
        stranger.client.error(`mutation ($id: ID!) { deleteMcpServer(id: $id) }`, { id }),
        stranger.client.error(`mutation ($id: ID!) { testMcpServer(id: $id) { ok } }`, { id }),
      ]);
      expect(answers.map((answer) => [answer.extensions?.code, answer.message])).toEqual(Array(3).fill(['NOT_FOUND', 'MCP server not found.']));
    }
    expect((await list(stranger)).totalCount).toBe(0);
    expect((await read(owner, server.id)).name).toBe(server.name);
  });

  it('refuses a stdio server from a user, naming the setting that would allow it, and accepts it from an admin', async () => {
    const user = await signUp(app);
    const admin = await signUpAdmin(app);
    const http = await createServer(user.client, httpInput(ALLOWED_URL));

    const created = await user.client.error(CREATE, { input: stdioInput() });
    const switched = await user.client.error(UPDATE, { id: http.id, input: { transport: 'STDIO', command: 'node' } });
    const byAdmin = await createServer(admin.client, stdioInput());

    expect(created.extensions?.code).toBe('FORBIDDEN');
    expect(created.message).toMatch(/Only admins may add or change STDIO MCP servers.*MCP_STDIO_ALLOWED_COMMANDS/);
    expect(switched.extensions?.code).toBe('FORBIDDEN');
    expect(byAdmin).toMatchObject({ transport: 'STDIO', command: process.execPath, args: [TEST_SERVER, 'stdio'] });
    expect((await read(user, http.id)).transport).toBe('STREAMABLE_HTTP');
  });

  it("refuses, for a user, a URL that reaches a non-public address, saying what and why; an admin's is accepted", async () => {
    const user = await signUp(app);
    const admin = await signUpAdmin(app);
    const refused = [
      ['http://127.0.0.1:8080/mcp', /127\.0\.0\.1 is a non-public address/],
      ['http://10.0.0.1/mcp', /10\.0\.0\.1 is a non-public address/],
      ['http://[::1]:8080/mcp', /\[::1\] is a non-public address/],
      ['http://[::ffff:127.0.0.1]/mcp', /is a non-public address/],
      ['http://169.254.169.254/latest/meta-data', /cloud metadata endpoints are off limits/],
      ['http://localhost:8080/mcp', /localhost resolves to .*, a non-public address/],
      ['ftp://example.com/mcp', /only http and https URLs are allowed/],
    ] as const;

    for (const [url, reason] of refused) {
      const error = await user.client.error(CREATE, { input: httpInput(url) });
      expect(error.extensions?.code).toBe('BAD_USER_INPUT');
      expect((error.extensions?.fields as { url: string }).url).toMatch(reason);
    }
    const accepted = await createServer(admin.client, httpInput('http://127.0.0.1:8080/mcp'));
    expect(accepted.url).toBe('http://127.0.0.1:8080/mcp');
    expect((await list(user)).totalCount).toBe(0);
  });

  it('refuses a private URL when a user changes it, too', async () => {
    const user = await signUp(app);
    const server = await createServer(user.client, httpInput(ALLOWED_URL));

    const error = await user.client.error(UPDATE, { id: server.id, input: { url: 'http://10.1.2.3:8080/mcp' } });

    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { url: expect.stringContaining('refused: 10.1.2.3 is a non-public address') } });
    expect((await read(user, server.id)).url).toBe(ALLOWED_URL);
  });
});

describe('MCP server configs with MCP_STDIO_ALLOWED_COMMANDS', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startApp({ MCP_STDIO_ALLOWED_COMMANDS: 'node,/usr/local/bin/uvx' });
  });

  afterAll(async () => {
    await app.close();
  });

  it('lets a user run a listed command by its name, and lists its tools', async () => {
    const user = await signUp(app);

    const server = await createServer(user.client, stdioInput({ command: 'node', name: uniqueName('allowed') }));
    const live = await liveServer(user.client, server.id);

    expect(live.status).toMatchObject({ state: 'OK', error: null });
    expect(live.tools.map((tool) => tool.name)).toContain('echo');
  });

  it('refuses a listed command given by a path, or an env that changes which program runs', async () => {
    const user = await signUp(app);

    const byPath = await user.client.error(CREATE, { input: stdioInput({ command: '/tmp/somewhere/node' }) });
    const unlisted = await user.client.error(CREATE, { input: stdioInput({ command: 'bash' }) });
    const withPath = await user.client.error(CREATE, { input: stdioInput({ command: 'node', env: { PATH: '/tmp/mine' } }) });
    const preload = await user.client.error(CREATE, { input: stdioInput({ command: 'uvx', env: { LD_PRELOAD: '/tmp/x.so' } }) });

    expect(byPath.extensions?.code).toBe('FORBIDDEN');
    expect(byPath.message).toContain('the commands MCP_STDIO_ALLOWED_COMMANDS lists, by name: node, uvx');
    expect(unlisted.extensions?.code).toBe('FORBIDDEN');
    expect(withPath.extensions?.code).toBe('FORBIDDEN');
    expect(withPath.message).toContain('Only admins may set PATH');
    expect(preload.message).toContain('Only admins may set LD_PRELOAD');
  });
});
