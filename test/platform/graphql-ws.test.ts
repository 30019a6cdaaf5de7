import WebSocket from 'ws';
import { capturingLogger, startApp, type TestApp } from '../support/app';
import { signUp } from '../support/accounts';
import { take } from '../support/graphql';
import { hasRedisServer, startRedisServer } from '../support/processes';

function closeOf(socket: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
}

describe('GraphQL over WebSocket (graphql-transport-ws)', () => {
  let app: TestApp;
  let wsUrl: string;
  beforeAll(async () => {
    app = await startApp();
    wsUrl = `${app.url.replace('http', 'ws')}/graphql`;
  });
  afterAll(() => app.close());

  it('connects on the same port and path and streams a subscription', async () => {
    const client = app.client().ws();
    try {
      const results = await take<{ heartbeat: string }>(client, 'subscription { heartbeat(intervalSeconds: 1) }', {}, 2);
      expect(results).toHaveLength(2);
      const [first, second] = results.map((r) => new Date(r.data!.heartbeat).getTime());
      expect(second - first).toBeGreaterThanOrEqual(900);
    } finally {
      await client.dispose();
    }
  });

  it('answers a query over the socket too', async () => {
    const client = app.client().ws();
    try {
      const [result] = await take(client, '{ serverInfo { name } }', {}, 1);
      expect(result.data).toEqual({ serverInfo: { name: 'mcp-agent-hub' } });
    } finally {
      await client.dispose();
    }
  });

  it('reports bad arguments and invalid documents as errors with their codes', async () => {
    const client = app.client().ws();
    try {
      // A source stream that cannot be created is a result with errors, as the GraphQL spec has it.
      await expect(take(client, 'subscription { heartbeat(intervalSeconds: 0) }', {}, 1)).resolves.toEqual([
        {
          errors: [
            {
              message: 'intervalSeconds: must be from 1 to 3600',
              locations: [{ line: 1, column: 16 }],
              path: ['heartbeat'],
              extensions: { code: 'BAD_USER_INPUT', fields: { intervalSeconds: 'must be from 1 to 3600' }, requestId: expect.any(String) },
            },
          ],
        },
      ]);
      await expect(take(client, 'subscription { nothing }', {}, 1)).rejects.toEqual([
        expect.objectContaining({ extensions: expect.objectContaining({ code: 'GRAPHQL_VALIDATION_FAILED' }) }),
      ]);
    } finally {
      await client.dispose();
    }
  });

  it('closes a socket that never sends connection_init with 4408 after the wait', async () => {
    const socket = new WebSocket(wsUrl, 'graphql-transport-ws');
    const closed = await closeOf(socket);
    expect(closed).toEqual({ code: 4408, reason: 'Connection initialisation timeout' });
  });

  it('closes with 4403 when the authorization is not a bearer token', async () => {
    const socket = new WebSocket(wsUrl, 'graphql-transport-ws');
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: 'Basic abc' } }));
    expect(await closeOf(socket)).toEqual({ code: 4403, reason: 'Forbidden: The authorization must be "Bearer <access token>".' });
  });

  it('closes with 1009 on a message over 1 MB, the limit of an HTTP request body', async () => {
    // graphql-ws reports every socket error on the console; this one is expected.
    const consoleError = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const socket = new WebSocket(wsUrl, 'graphql-transport-ws');
      await new Promise((resolve) => socket.once('open', resolve));
      socket.send(JSON.stringify({ type: 'connection_init', payload: { filler: 'x'.repeat(2 * 1024 * 1024) } }));
      expect((await closeOf(socket)).code).toBe(1009);
    } finally {
      consoleError.mockRestore();
    }
  });
});

(hasRedisServer ? describe : describe.skip)('GraphQL over WebSocket when the session check fails', () => {
  it('answers the subscribe with a masked error and logs the cause under its request id', async () => {
    const redis = await startRedisServer();
    const logs = capturingLogger('error');
    const app = await startApp({ REDIS_URL: redis.url }, { logger: logs.logger });
    const user = await signUp(app);
    const client = user.client.ws({ lazy: false });
    const ask = () => new Promise((resolve) => client.subscribe({ query: '{ me { id } }' }, { next: resolve, error: resolve, complete: () => undefined }));
    try {
      expect(await ask()).toEqual({ data: { me: { id: user.id } } });
      // Redis goes away under the open socket: the next subscribe cannot check the session.
      await redis.stop();
      const answer = (await ask()) as Array<{ message: string; extensions: { code: string; requestId: string } }>;
      expect(answer).toEqual([{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: expect.any(String) } }]);
      expect(logs.lines.find((line) => line.msg === 'unexpected error')).toMatchObject({ requestId: answer[0].extensions.requestId, err: { message: expect.any(String) } });
    } finally {
      await client.dispose();
      await app.close();
      await redis.stop();
    }
  });
});

describe('logging of operations over WebSocket', () => {
  it('writes one closing line per operation with its name, duration and error code, as over HTTP', async () => {
    const logs = capturingLogger('info');
    const app = await startApp({}, { logger: logs.logger });
    const client = app.client().ws();
    try {
      await take(client, 'query Clock { serverInfo { time } }', {}, 1);
      await take(client, 'subscription Beats { heartbeat(intervalSeconds: 1) }', {}, 2);
      await take(client, 'subscription Wrong { heartbeat(intervalSeconds: 0) }', {}, 1);
      await expect(take(client, 'query Broken { nothing }', {}, 1)).rejects.toBeDefined();
      await new Promise((resolve) => setTimeout(resolve, 100));
      const ends = logs.lines.filter((line) => line.msg === 'graphql operation');
      expect(ends).toEqual([
        expect.objectContaining({ operation: 'Clock', type: 'query', errorCode: null, ended: 'completed', durationMs: expect.any(Number), requestId: expect.any(String) }),
        expect.objectContaining({ operation: 'Beats', type: 'subscription', errorCode: null, ended: 'completed' }),
        expect.objectContaining({ operation: 'Wrong', type: 'subscription', errorCode: 'BAD_USER_INPUT' }),
        expect.objectContaining({ errorCode: 'GRAPHQL_VALIDATION_FAILED', ended: 'failed' }),
      ]);
      expect(Number(ends[1].durationMs)).toBeGreaterThanOrEqual(900);
    } finally {
      await client.dispose();
      await app.close();
    }
  });
});
