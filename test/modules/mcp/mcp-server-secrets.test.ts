// Env values and headers are stored encrypted and never come back: not in any response (configs,
// lists, statuses, connection tests, errors) and not in any log line, even at debug level.
import { McpServer } from '../../../src/modules/mcp/mcp-server.entity';
import { signUpAdmin } from '../../support/accounts';
import { capturingLogger, startApp, type TestApp } from '../../support/app';
import { CREATE, GET_LIVE, LIST_LIVE, UPDATE, callTool, httpInput, stdioInput } from '../../support/mcp-api';
import { startTestServerHttp, type RunningHttpServer } from '../../support/mcp-servers';
import { freePort } from '../../support/processes';

const ENV_SECRET = 'env-secret-7f3a91c2d4';
const HEADER_SECRET = 'header-secret-b81e55a0c9';
const BEARER_SECRET = 'bearer-secret-0c4d2e8f11';
const CHANGED_SECRET = 'changed-secret-91aa07e3f2';
const SECRETS = [ENV_SECRET, HEADER_SECRET, BEARER_SECRET, CHANGED_SECRET];

describe('MCP server secrets', () => {
  let app: TestApp;
  let http: RunningHttpServer;
  const logs = capturingLogger('debug');
  const responses: string[] = [];

  beforeAll(async () => {
    http = await startTestServerHttp();
    app = await startApp({ LOG_LEVEL: 'debug' }, { logger: logs.logger });
  });

  afterAll(async () => {
    await app.close();
    await http.stop();
  });

  it('uses env values and headers, and never shows them in responses or log lines', async () => {
    const admin = await signUpAdmin(app);
    const send = async (query: string, variables: Record<string, unknown>) => {
      const result = await admin.client.request(query, variables);
      responses.push(JSON.stringify(result));
      return result;
    };
    const stdio = (await send(CREATE, { input: stdioInput({ name: 'with env', env: { API_TOKEN: ENV_SECRET } }) })).data!.createMcpServer;
    const remote = (
      await send(CREATE, { input: httpInput(http.url, { name: 'with headers', headers: { 'X-Api-Key': HEADER_SECRET, Authorization: `Bearer ${BEARER_SECRET}` } }) })
    ).data!.createMcpServer;
    // A server that fails showing its env on stderr: the reason it failed must not carry the value.
    const leaky = (
      await send(CREATE, {
        input: stdioInput({ name: 'leaky', args: ['-e', 'console.error("my token is " + process.env.API_TOKEN); process.exit(2)'], env: { API_TOKEN: ENV_SECRET } }),
      })
    ).data!.createMcpServer;
    const deadPort = await freePort();
    const dead = (await send(CREATE, { input: httpInput(`http://127.0.0.1:${deadPort}/mcp`, { name: 'dead', headers: { 'X-Api-Key': HEADER_SECRET } }) })).data!
      .createMcpServer;

    const listed = await send(LIST_LIVE, { first: 10 });
    await send(GET_LIVE, { id: leaky.id });
    await send(`mutation ($id: ID!) { testMcpServer(id: $id) { ok error } }`, { id: leaky.id });
    await send(`mutation ($id: ID!) { testMcpServer(id: $id) { ok error } }`, { id: dead.id });
    await send(UPDATE, { id: remote.id, input: { headers: { 'X-Api-Key': CHANGED_SECRET } } });
    await send(UPDATE, { id: stdio.id, input: { env: { 'NOT A NAME': CHANGED_SECRET } } });

    expect(JSON.parse(await callTool(app, admin, stdio.id, 'env', { names: ['API_TOKEN'] }))).toEqual({ API_TOKEN: ENV_SECRET });
    expect(await callTool(app, admin, remote.id, 'request_header', { name: 'x-api-key' })).toBe(CHANGED_SECRET);
    const statuses = Object.fromEntries(
      (listed.data!.mcpServers.edges as Array<{ node: { name: string; hasEnv: boolean; hasHeaders: boolean; status: { state: string; error: string | null } } }>).map(
        (edge) => [edge.node.name, edge.node],
      ),
    );
    expect(statuses['with env']).toMatchObject({ hasEnv: true, hasHeaders: false, status: { state: 'OK' } });
    expect(statuses['with headers']).toMatchObject({ hasEnv: false, hasHeaders: true, status: { state: 'OK' } });
    expect(statuses.leaky.status).toMatchObject({ state: 'ERROR', error: expect.stringContaining('my token is [redacted]') });
    expect(statuses.dead.status.state).toBe('ERROR');

    const stored = await app.orm.em.fork().findOneOrFail(McpServer, { id: stdio.id });
    expect(stored.envEncrypted).toMatch(/^v1:/);
    const everything = [...responses, logs.text(), stored.envEncrypted].join('\n');
    for (const secret of SECRETS) expect(everything).not.toContain(secret);
    expect(logs.lines.length).toBeGreaterThan(10);
  });
});
