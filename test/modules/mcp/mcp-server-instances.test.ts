// Two instances behind one load balancer share the database and Redis: a config changed or deleted
// through one closes the live server process the other runs, at once.
import { signIn, signUpAdmin } from '../../support/accounts';
import { startApp, type TestApp } from '../../support/app';
import { UPDATE, callTool, createServer, liveServer, stdioInput } from '../../support/mcp-api';
import { waitUntilGone } from '../../support/mcp-servers';
import { hasRedisServer, startRedisServer, type RedisServer } from '../../support/processes';

(process.env.REDIS_URL || hasRedisServer ? describe : describe.skip)('MCP servers across instances', () => {
  let redis: RedisServer | null = null;
  let first: TestApp;
  let second: TestApp;

  beforeAll(async () => {
    if (!process.env.REDIS_URL) redis = await startRedisServer();
    const shared = { REDIS_URL: process.env.REDIS_URL || redis!.url };
    first = await startApp(shared);
    second = await startApp(shared);
  });

  afterAll(async () => {
    await first.close();
    await second.close();
    await redis?.stop();
  });

  it("closes the other instance's server process when the config changes, and when it is deleted", async () => {
    const admin = await signUpAdmin(first);
    const onSecond = { ...admin, ...(await signIn(second, admin.username, admin.password)) };
    const server = await createServer(admin.client, stdioInput());
    expect((await liveServer(onSecond.client, server.id)).status.state).toBe('OK');
    const firstPid = Number(await callTool(second, onSecond, server.id, 'pid'));

    await admin.client.data(UPDATE, { id: server.id, input: { description: 'changed on the first instance' } });
    expect(await waitUntilGone(firstPid, 5000)).toBe(true);
    const secondPid = Number(await callTool(second, onSecond, server.id, 'pid'));

    await admin.client.data(`mutation ($id: ID!) { deleteMcpServer(id: $id) }`, { id: server.id });
    expect(await waitUntilGone(secondPid, 5000)).toBe(true);
  });
});
