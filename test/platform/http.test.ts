import { startApp, type TestApp } from '../support/app';

describe('the HTTP server', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(() => app.close());

  it('says it is up on /health', async () => {
    const response = await fetch(`${app.url}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('says it is ready on /ready with the database and Redis (or memory) checked', async () => {
    const response = await fetch(`${app.url}/ready`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: 'ok',
      checks: { database: 'ok', redis: process.env.REDIS_URL ? 'ok' : 'memory' },
    });
  });

  it('answers a query over HTTP and gives every response a request id', async () => {
    const result = await app.client().request('{ serverInfo { name version time } }');
    expect(result.status).toBe(200);
    expect(result.data).toEqual({ serverInfo: { name: 'mcp-agent-hub', version: expect.any(String), time: expect.any(String) } });
    expect(new Date(result.data!.serverInfo.time).getTime()).not.toBeNaN();
    expect(result.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers unknown routes with a JSON 404', async () => {
    const response = await fetch(`${app.url}/nope`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'No such route.' } });
  });
});
