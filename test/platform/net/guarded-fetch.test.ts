import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import OpenAI from 'openai';
import { BlockedAddressError, blockedAddressCause } from '../../../src/platform/net/blocked-address-error';
import { createGuardedFetch, type GuardedFetch, type GuardedFetchOptions } from '../../../src/platform/net/guarded-fetch';
import { assertUrlAllowed, type ResolveHost, type UrlPolicy } from '../../../src/platform/net/url-guard';

interface SeenRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

interface LocalServer {
  origin: string;
  port: number;
  requests: SeenRequest[];
  connections: number;
}

type Handler = (request: SeenRequest, response: ServerResponse, raw: IncomingMessage) => void;

const servers: ReturnType<typeof createServer>[] = [];
const fetches: GuardedFetch[] = [];

/** A real HTTP server on 127.0.0.1 that records what reaches it; echoes the request unless told otherwise. */
async function startServer(handler?: Handler): Promise<LocalServer> {
  const state: LocalServer = { origin: '', port: 0, requests: [], connections: 0 };
  const server = createServer((raw, response) => {
    const chunks: Buffer[] = [];
    raw.on('data', (chunk: Buffer) => chunks.push(chunk));
    raw.on('end', () => {
      const seen = { method: raw.method ?? '', path: raw.url ?? '', headers: raw.headers, body: Buffer.concat(chunks).toString() };
      state.requests.push(seen);
      if (handler) return handler(seen, response, raw);
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify(seen));
    });
  });
  server.on('connection', () => state.connections++);
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  state.port = (server.address() as AddressInfo).port;
  state.origin = `http://127.0.0.1:${state.port}`;
  return state;
}

function guardedFetch(policy: UrlPolicy, options?: GuardedFetchOptions): GuardedFetch {
  const created = createGuardedFetch(policy, options);
  fetches.push(created);
  return created;
}

afterEach(async () => {
  await Promise.all(fetches.splice(0).map((f) => f.close()));
  await Promise.all(
    servers.splice(0).map((server) => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    }),
  );
});

const user: UrlPolicy = { allowPrivate: false, allowedHosts: [] };
const admin: UrlPolicy = { allowPrivate: true, allowedHosts: [] };
const allowing = (...allowedHosts: string[]): UrlPolicy => ({ allowPrivate: false, allowedHosts });

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('the guarded fetch', () => {
  it('refuses a local server whose host is not allowed, and sends it nothing', async () => {
    const server = await startServer();
    const error = await rejection(guardedFetch(user)(`${server.origin}/v1/models`));
    expect(error).toBeInstanceOf(BlockedAddressError);
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toBe(
      `refused to connect to 127.0.0.1:${server.port}: 127.0.0.1 is a non-public address (loopback); if this server should reach it, ` +
        `an admin can add "127.0.0.1:${server.port}" to ALLOWED_PRIVATE_HOSTS (comma-separated host or host:port entries)`,
    );
    expect(server.connections).toBe(0);
  });

  it.each([
    ['http://[::ffff:127.0.0.1]:8080/', 'refused to connect to [::ffff:7f00:1]:8080: [::ffff:7f00:1] is a non-public address (IPv4-mapped IPv6 of 127.0.0.1)'],
    ['http://0x7f.1:8080/', 'refused to connect to 127.0.0.1:8080: 127.0.0.1 is a non-public address (loopback)'],
    ['http://[::]:8080/', 'refused to connect to [::]:8080: [::] is a non-public address (unspecified)'],
    [
      'http://169.254.169.254/latest/meta-data/',
      'refused to connect to 169.254.169.254:80: 169.254.169.254 is a non-public address (link-local, cloud metadata); cloud metadata endpoints are off limits',
    ],
  ])('refuses %s before connecting', async (url, message) => {
    const error = await rejection(guardedFetch(user)(url));
    expect(error).toBeInstanceOf(BlockedAddressError);
    expect(error.message.slice(0, message.length)).toBe(message);
  });

  it('serves a local server whose host:port is in ALLOWED_PRIVATE_HOSTS', async () => {
    const server = await startServer();
    const response = await guardedFetch(allowing(`127.0.0.1:${server.port}`))(`${server.origin}/v1/models?x=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer k' },
      body: '{"a":1}',
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      method: 'POST',
      path: '/v1/models?x=1',
      body: '{"a":1}',
      headers: { 'content-type': 'application/json', authorization: 'Bearer k' },
    });
  });

  it('refuses the allowed host on another port', async () => {
    const server = await startServer();
    const error = await rejection(guardedFetch(allowing(`127.0.0.1:${server.port + 1}`))(`${server.origin}/`));
    expect(error.message).toMatch(new RegExp(`^refused to connect to 127\\.0\\.0\\.1:${server.port}: 127\\.0\\.0\\.1 is a non-public address \\(loopback\\)`));
    expect(server.requests).toHaveLength(0);
  });

  it('refuses localhost by name, as it resolves to loopback, unless localhost:port is allowed', async () => {
    const server = await startServer();
    const url = `http://localhost:${server.port}/`;
    const error = await rejection(guardedFetch(user)(url));
    expect(error).toBeInstanceOf(BlockedAddressError);
    expect(error.message).toMatch(
      new RegExp(`^refused to connect to localhost:${server.port}: localhost resolves to (127\\.0\\.0\\.1|::1), a non-public address \\(loopback\\); .*"localhost:${server.port}"`),
    );
    expect(server.requests).toHaveLength(0);

    const response = await guardedFetch(allowing(`localhost:${server.port}`))(url);
    expect(response.status).toBe(200);
    expect(server.requests).toHaveLength(1);
  });

  it('lets an admin reach any local server, by address or by name', async () => {
    const server = await startServer();
    const fetchAsAdmin = guardedFetch(admin, { lookup: async () => [{ address: '127.0.0.1', family: 4 }] });
    expect((await fetchAsAdmin(`${server.origin}/a`)).status).toBe(200);
    expect((await fetchAsAdmin(`http://model-box.internal:${server.port}/b`)).status).toBe(200);
    expect(server.requests.map((r) => [r.path, r.headers.host])).toEqual([
      ['/a', `127.0.0.1:${server.port}`],
      ['/b', `model-box.internal:${server.port}`],
    ]);
  });

  it('refuses a name that rebinds to 127.0.0.1 after it was checked (DNS rebinding)', async () => {
    const server = await startServer();
    const answers = ['93.184.216.34', '127.0.0.1'];
    const lookup: ResolveHost = async () => [{ address: answers.shift() ?? '127.0.0.1', family: 4 }];
    const url = `http://rebind.example.com:${server.port}/v1/models`;

    await expect(assertUrlAllowed(url, user, 'baseUrl', lookup)).resolves.toBeInstanceOf(URL);
    const error = await rejection(guardedFetch(user, { lookup })(url));
    expect(error).toBeInstanceOf(BlockedAddressError);
    expect(error.message).toMatch(
      new RegExp(`^refused to connect to rebind\\.example\\.com:${server.port}: rebind\\.example\\.com resolves to 127\\.0\\.0\\.1, a non-public address \\(loopback\\)`),
    );
    expect(answers).toEqual([]);
    expect(server.connections).toBe(0);
  });

  it('refuses a name when any one of its addresses is not public', async () => {
    const server = await startServer();
    const lookup: ResolveHost = async () => [
      { address: '93.184.216.34', family: 4 },
      { address: '127.0.0.1', family: 4 },
    ];
    const error = await rejection(guardedFetch(user, { lookup })(`http://two.example.com:${server.port}/`));
    expect(error.message).toMatch(/two\.example\.com resolves to 127\.0\.0\.1, a non-public address \(loopback\)/);
    expect(server.connections).toBe(0);
  });

  it('passes DNS failures through as the usual network error', async () => {
    const lookup: ResolveHost = () => Promise.reject(Object.assign(new Error('getaddrinfo ENOTFOUND gone.example.com'), { code: 'ENOTFOUND' }));
    const error = await rejection(guardedFetch(user, { lookup })('http://gone.example.com/'));
    expect(error.message).toBe('fetch failed');
    expect(blockedAddressCause(error)).toBeUndefined();
    expect((error.cause as NodeJS.ErrnoException).code).toBe('ENOTFOUND');
  });

  it('refuses non-http schemes and credentials in the URL, even for an admin', async () => {
    const f = guardedFetch(admin);
    expect((await rejection(f('file:///etc/passwd'))).message).toBe('refused to fetch file:///etc/passwd: only http and https URLs are allowed, not file:');
    const withCredentials = await rejection(f('http://root:secret@127.0.0.1:9/x?q=1'));
    expect(withCredentials).toBeInstanceOf(BlockedAddressError);
    expect(withCredentials.message).toBe(
      'refused to fetch http://127.0.0.1:9/x: the URL must not contain a user name or password; send credentials in headers instead',
    );
  });
});

describe('redirects through the guarded fetch', () => {
  /** A server whose /to?status=…&location=… answers that redirect; anything else is echoed. */
  const redirector: Handler = (request, response) => {
    const url = new URL(request.path, 'http://x');
    if (url.pathname !== '/to') {
      response.setHeader('content-type', 'application/json');
      return response.end(JSON.stringify(request));
    }
    response.writeHead(Number(url.searchParams.get('status') ?? 302), { location: url.searchParams.get('location') ?? '' });
    response.end('moved');
  };
  const to = (server: LocalServer, location: string, status = 302) =>
    `${server.origin}/to?status=${status}&location=${encodeURIComponent(location)}`;

  it('refuses a redirect from an allowed server to a private address that is not allowed', async () => {
    const allowed = await startServer(redirector);
    const other = await startServer();
    const error = await rejection(guardedFetch(allowing(`127.0.0.1:${allowed.port}`))(to(allowed, `${other.origin}/secret`)));
    expect(error).toBeInstanceOf(BlockedAddressError);
    expect(error.message).toBe(
      `refused to connect to 127.0.0.1:${other.port}: 127.0.0.1 is a non-public address (loopback); if this server should reach it, an admin can add ` +
        `"127.0.0.1:${other.port}" to ALLOWED_PRIVATE_HOSTS (comma-separated host or host:port entries) (redirected from ${allowed.origin}/to)`,
    );
    expect(allowed.requests).toHaveLength(1);
    expect(other.connections).toBe(0);
  });

  it('refuses a redirect to another scheme', async () => {
    const server = await startServer(redirector);
    const error = await rejection(guardedFetch(admin)(to(server, 'file:///etc/passwd')));
    expect(error).toBeInstanceOf(BlockedAddressError);
    expect(error.message).toBe(
      `refused to follow a redirect from ${server.origin}/to to file:///etc/passwd: only http and https URLs are allowed, not file:`,
    );
  });

  it.each([
    [301, 'POST', 'GET', ''],
    [302, 'POST', 'GET', ''],
    [303, 'PUT', 'GET', ''],
    [303, 'POST', 'GET', ''],
    [301, 'PUT', 'PUT', '{"keep":true}'],
    [307, 'POST', 'POST', '{"keep":true}'],
    [308, 'PUT', 'PUT', '{"keep":true}'],
  ])('after a %i, a %s is sent again as %s with body %j, as fetch does', async (status, method, expectedMethod, expectedBody) => {
    const server = await startServer(redirector);
    const response = await guardedFetch(allowing('127.0.0.1'))(to(server, '/echo', status), {
      method,
      headers: { 'content-type': 'application/json', 'x-trace': 't1' },
      body: '{"keep":true}',
    });
    const echoed = (await response.json()) as SeenRequest;
    expect(echoed.method).toBe(expectedMethod);
    expect(echoed.path).toBe('/echo');
    expect(echoed.body).toBe(expectedBody);
    expect(echoed.headers['x-trace']).toBe('t1');
    expect(echoed.headers['content-type']).toBe(expectedBody ? 'application/json' : undefined);
    expect(echoed.headers['content-length']).toBe(expectedBody ? String(expectedBody.length) : undefined);
    expect(echoed.headers['transfer-encoding']).toBeUndefined();
  });

  it('keeps the authorization header within the origin and drops it on the way to another', async () => {
    const first = await startServer(redirector);
    const second = await startServer();
    const f = guardedFetch(allowing('127.0.0.1'));
    const headers = { authorization: 'Bearer secret', 'x-trace': 't2' };

    const same = (await (await f(to(first, '/echo'), { headers })).json()) as SeenRequest;
    expect(same.headers.authorization).toBe('Bearer secret');

    const cross = (await (await f(to(first, `${second.origin}/echo`), { headers })).json()) as SeenRequest;
    expect(cross.headers.authorization).toBeUndefined();
    expect(cross.headers['x-trace']).toBe('t2');
  });

  it('gives up after maxRedirects hops', async () => {
    const server = await startServer((request, response) => {
      response.writeHead(302, { location: `/loop${request.path}` });
      response.end();
    });
    const error = await rejection(guardedFetch(allowing('127.0.0.1'), { maxRedirects: 3 })(`${server.origin}/`));
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toBe(`too many redirects (more than 3) from ${server.origin}/loop/loop/loop/`);
    expect(server.requests).toHaveLength(4);
  });

  it("answers the redirect itself when the caller asks for redirect: 'manual', and fails on redirect: 'error'", async () => {
    const server = await startServer(redirector);
    const f = guardedFetch(allowing('127.0.0.1'));
    const manual = await f(to(server, '/elsewhere', 307), { redirect: 'manual' });
    expect(manual.status).toBe(307);
    expect(manual.headers.get('location')).toBe('/elsewhere');
    expect((await rejection(f(to(server, '/elsewhere'), { redirect: 'error' }))).message).toBe(`unexpected redirect from ${server.origin}/to`);
    expect(server.requests.map((r) => r.path.split('?')[0])).toEqual(['/to', '/to']);
  });
});

describe('the guarded fetch in the SDKs that take a fetch', () => {
  const modelsServer = () =>
    startServer((_request, response) => {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ object: 'list', data: [{ id: 'tiny', object: 'model', created: 0, owned_by: 'test' }] }));
    });

  it('lets the openai SDK list models from an allowed server, and shows the refusal of another', async () => {
    const server = await modelsServer();
    const client = (policy: UrlPolicy) =>
      new OpenAI({ baseURL: `${server.origin}/v1`, apiKey: 'k', maxRetries: 0, fetch: guardedFetch(policy) });

    const models = await client(allowing(`127.0.0.1:${server.port}`)).models.list();
    expect(models.data.map((m) => m.id)).toEqual(['tiny']);

    const error = await rejection(client(user).models.list());
    expect(error).toBeInstanceOf(OpenAI.APIConnectionError);
    expect(blockedAddressCause(error)?.message).toMatch(/^refused to connect to 127\.0\.0\.1:\d+: 127\.0\.0\.1 is a non-public address \(loopback\)/);
    expect(server.requests).toHaveLength(1);
  });

  it('lets the MCP SDK list tools from an allowed Streamable HTTP server, and shows the refusal of another', async () => {
    const server = await startServer((request, response, raw) => {
      const mcp = new Server({ name: 'tiny-mcp', version: '1.0.0' }, { capabilities: { tools: {} } });
      mcp.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: [{ name: 'ping', inputSchema: { type: 'object' } }] }));
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
      response.on('close', () => void mcp.close());
      void mcp.connect(transport).then(() => transport.handleRequest(raw, response, request.body ? JSON.parse(request.body) : undefined));
    });
    const connect = async (policy: UrlPolicy) => {
      const client = new Client({ name: 'test', version: '1.0.0' });
      await client.connect(new StreamableHTTPClientTransport(new URL(`${server.origin}/mcp`), { fetch: guardedFetch(policy) }));
      return client;
    };

    const client = await connect(allowing(`127.0.0.1:${server.port}`));
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['ping']);
    await client.close();

    const seen = server.requests.length;
    const error = await rejection(connect(user));
    expect(blockedAddressCause(error)?.message).toMatch(/^refused to connect to 127\.0\.0\.1:\d+: 127\.0\.0\.1 is a non-public address \(loopback\)/);
    expect(server.requests).toHaveLength(seen);
  });
});

describe('the guarded fetch connection pool', () => {
  it('reuses connections across requests, and close() ends them', async () => {
    const server = await startServer();
    const f = guardedFetch(allowing('127.0.0.1'));
    const paths = ['/1', '/2', '/3', '/4', '/5'];
    for (const path of paths) {
      await (await f(`${server.origin}${path}`)).text();
    }
    expect(server.requests.map((r) => r.path)).toEqual(paths);
    expect(server.connections).toBeLessThan(paths.length);
    await f.close();
    expect((await rejection(f(`${server.origin}/6`))).message).toBe('fetch failed');
    expect(server.requests).toHaveLength(paths.length);
  });
});
