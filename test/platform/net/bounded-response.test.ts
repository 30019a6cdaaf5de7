// Responses from user-given endpoints are bounded: a body, or one event of an event stream.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OutboundHttp } from '../../../src/platform/net/outbound';
import { boundedResponse, ResponseTooLargeError } from '../../../src/platform/net/bounded-response';

const LIMIT = 1024;

describe('bounded responses from outbound HTTP', () => {
  let server: Server;
  let url: string;
  let outbound: OutboundHttp;
  beforeAll(async () => {
    server = createServer((req, res) => {
      const route = req.url ?? '';
      if (route === '/small') return res.end(JSON.stringify({ ok: 'x'.repeat(LIMIT - 20) }));
      if (route === '/big') return res.end(JSON.stringify({ huge: 'x'.repeat(LIMIT * 4) }));
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      // Many small events, far more than the limit in all: a long stream is fine.
      const small = Array.from({ length: 50 }, (_, i) => `data: {"n":${i},"pad":"${'y'.repeat(100)}"}\r\n\r\n`).join('');
      res.end(route === '/events' ? small : `${small}data: ${'z'.repeat(LIMIT * 2)}\n\n`);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    outbound = new OutboundHttp([], LIMIT);
  });
  afterAll(async () => {
    await outbound.close();
    await new Promise((resolve) => server.close(resolve));
  });

  const fetchAsAdmin = (path: string) => outbound.fetchFor('ADMIN')(`${url}${path}`);

  it('passes a body within the limit untouched', async () => {
    const body = (await (await fetchAsAdmin('/small')).json()) as { ok: string };
    expect(body.ok).toHaveLength(LIMIT - 20);
  });

  it('stops a body over the limit with an error saying so', async () => {
    const response = await fetchAsAdmin('/big');
    await expect(response.text()).rejects.toThrow(ResponseTooLargeError);
    await expect((await fetchAsAdmin('/big')).json()).rejects.toThrow('The response is too large: the body is over 1 KB (OUTBOUND_MAX_RESPONSE_BYTES).');
  });

  it('lets an event stream run long while each event stays within the limit', async () => {
    const text = await (await fetchAsAdmin('/events')).text();
    expect(text.match(/^data: /gm)).toHaveLength(50);
    expect(text.length).toBeGreaterThan(LIMIT * 4);
  });

  it('stops an event stream at the first event over the limit', async () => {
    await expect((await fetchAsAdmin('/big-event')).text()).rejects.toThrow('one event of the stream');
  });
});

describe('event boundaries split across chunks', () => {
  const chunked = (text: string, size: number) => {
    const bytes = new TextEncoder().encode(text);
    return new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += size) controller.enqueue(bytes.subarray(i, i + size));
        controller.close();
      },
    });
  };
  const events = (body: ReadableStream<Uint8Array>) => boundedResponse(new Response(body, { headers: { 'content-type': 'text/event-stream' } }), LIMIT);
  const small = Array.from({ length: 50 }, (_, i) => `data: {"n":${i},"pad":"${'y'.repeat(100)}"}${i % 2 ? '\r\n\r\n' : '\n\n'}`).join('');

  it.each([1, 2, 3, 7, 64])('reads small events delivered %i bytes at a time', async (size) => {
    expect(await events(chunked(small, size)).text()).toBe(small);
  });

  it.each([1, 7, 4096])('stops one large event delivered %i bytes at a time', async (size) => {
    await expect(events(chunked(`${small}data: ${'z'.repeat(LIMIT)}\r\n\r\n`, size)).text()).rejects.toThrow(ResponseTooLargeError);
  });
});
