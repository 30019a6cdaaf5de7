import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { runWebSearch, webSearch, webSearchTool } from '../../../src/modules/tools/web-search';
import { appErrorOf } from '../../support/app-error-of';

const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', name), 'utf8');

interface Seen {
  method: string;
  url: URL;
  contentType: string | undefined;
  userAgent: string | undefined;
  body: string;
}

interface FakeEngine {
  url: string;
  requests: Seen[];
  server: Server;
}

const servers: Server[] = [];

async function startEngine(handler: (seen: Seen, res: ServerResponse) => void): Promise<FakeEngine> {
  const requests: Seen[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const seen: Seen = {
        method: req.method ?? '',
        url: new URL(req.url ?? '/', 'http://127.0.0.1'),
        contentType: req.headers['content-type'],
        userAgent: req.headers['user-agent'],
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(seen);
      handler(seen, res);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests, server };
}

const html = (status: number, body: string) => (_seen: Seen, res: ServerResponse) => {
  res.writeHead(status, { 'content-type': 'text/html; charset=UTF-8' });
  res.end(body);
};

const json = (status: number, body: unknown) => (_seen: Seen, res: ServerResponse) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

describe('web_search tool definition', () => {
  it('offers a closed JSON Schema with the query required', () => {
    expect(webSearchTool.name).toBe('web_search');
    expect(webSearchTool.parameters).toMatchObject({
      type: 'object',
      required: ['query'],
      additionalProperties: false,
      properties: {
        query: { type: 'string' },
        maxResults: { type: 'integer', maximum: 10 },
        region: { type: 'string' },
        timeRange: { enum: ['day', 'week', 'month', 'year'] },
      },
    });
    expect(webSearchTool.parameters).not.toHaveProperty('$schema');
  });

  it.each([
    [{}, 'query'],
    [{ query: '   ' }, 'query'],
    [{ query: 'x', maxResults: 11 }, 'maxResults'],
    [{ query: 'x', maxResults: 2.5 }, 'maxResults'],
    [{ query: 'x', region: 'english' }, 'region'],
    [{ query: 'x', timeRange: 'decade' }, 'timeRange'],
    [{ query: 'x', page: 2 }, 'page'],
  ])('refuses bad arguments %j, naming the field', async (args, field) => {
    const error = await appErrorOf(webSearch(args, { duckDuckGoUrl: 'http://127.0.0.1:9/' }));
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.extensions.fields).toHaveProperty(field);
  });
});

describe('web_search against DuckDuckGo', () => {
  it('posts the query, region and time range and returns the organic results, unwrapped and cleaned', async () => {
    const engine = await startEngine(html(200, fixture('duckduckgo-results.html')));
    const results = await webSearch(
      { query: 'node.js streams', region: 'en-US', timeRange: 'week', maxResults: 10 },
      { duckDuckGoUrl: `${engine.url}/html/` },
    );

    expect(engine.requests).toHaveLength(1);
    const [request] = engine.requests;
    expect(request.method).toBe('POST');
    expect(request.url.pathname).toBe('/html/');
    expect(request.contentType).toBe('application/x-www-form-urlencoded');
    expect(request.userAgent).toMatch(/mcp-agent-hub/);
    expect(Object.fromEntries(new URLSearchParams(request.body))).toEqual({ q: 'node.js streams', kl: 'us-en', df: 'w' });

    expect(results).toEqual([
      {
        title: 'Stream | Node.js v20.11.1 Documentation',
        url: 'https://nodejs.org/api/stream.html',
        snippet:
          'A stream is an abstract interface for working with streaming data in Node.js. The node:stream module provides an API for implementing the stream interface.',
      },
      {
        title: 'Node.js Streams: Everything you need to know – freeCodeCamp & friends',
        url: 'https://www.freecodecamp.org/news/node-js-streams-everything-you-need-to-know-c9141306be93/',
        snippet: '"Streams" are Node\'s best and most misunderstood idea. Streams are collections of data — just like arrays or strings.',
      },
      {
        title: 'How to use streams in Node? - Stack Overflow',
        url: 'https://stackoverflow.com/questions/18932488/how-to-use-streams?tab=votes#answer-1',
        snippet: 'Use pipeline() from node:stream/promises; it forwards errors & cleans up.',
      },
      {
        title: 'node/lib/stream.js at main · nodejs/node · GitHub',
        url: 'https://github.com/nodejs/node/blob/main/lib/stream.js',
        snippet: '',
      },
      {
        title: 'How To Work with Files Using Streams in Node.js | DigitalOcean',
        url: 'https://www.digitalocean.com/community/tutorials/how-to-work-with-files-using-streams-in-node-js',
        snippet: 'In this tutorial, you will create a command-line program, and then use it with streams to read, write and copy files.',
      },
    ]);
  });

  it('returns only as many results as asked, five by default', async () => {
    const engine = await startEngine(html(200, fixture('duckduckgo-results.html')));
    const options = { duckDuckGoUrl: `${engine.url}/html/` };
    expect(await webSearch({ query: 'node.js streams', maxResults: 2 }, options)).toHaveLength(2);
    expect(await webSearch({ query: 'node.js streams' }, options)).toHaveLength(5);
    expect(Object.fromEntries(new URLSearchParams(engine.requests[0].body))).toEqual({ q: 'node.js streams' });
  });

  it('maps Great Britain to the region code DuckDuckGo uses', async () => {
    const engine = await startEngine(html(200, fixture('duckduckgo-results.html')));
    await webSearch({ query: 'tea', region: 'en-GB', timeRange: 'day' }, { duckDuckGoUrl: `${engine.url}/html/` });
    expect(Object.fromEntries(new URLSearchParams(engine.requests[0].body))).toEqual({ q: 'tea', kl: 'uk-en', df: 'd' });
  });

  it('answers an empty list, with a note for the model, when DuckDuckGo finds nothing', async () => {
    const engine = await startEngine(html(200, fixture('duckduckgo-no-results.html')));
    const outcome = await runWebSearch({ query: 'qwzxv plorbnik' }, { duckDuckGoUrl: `${engine.url}/html/` });
    expect(outcome.results).toEqual([]);
    expect(JSON.parse(outcome.text)).toEqual({ results: [], note: 'No results for this query.' });
  });

  it('hands the model the results as JSON text', async () => {
    const engine = await startEngine(html(200, fixture('duckduckgo-results.html')));
    const outcome = await runWebSearch({ query: 'node.js streams', maxResults: 1 }, { duckDuckGoUrl: `${engine.url}/html/` });
    expect(JSON.parse(outcome.text)).toEqual({
      results: [{ title: 'Stream | Node.js v20.11.1 Documentation', url: 'https://nodejs.org/api/stream.html', snippet: expect.stringMatching(/^A stream is/) }],
    });
  });

  it('fails clearly when DuckDuckGo answers its bot check instead of results', async () => {
    const engine = await startEngine(html(202, fixture('duckduckgo-bot-check.html')));
    const error = await appErrorOf(webSearch({ query: 'node.js streams' }, { duckDuckGoUrl: `${engine.url}/html/` }));
    expect(error.code).toBe('UPSTREAM_FAILED');
    expect(error.message).toMatch(/DuckDuckGo answered HTTP 202/);
    expect(error.message).toMatch(/SEARXNG_URL/);
  });

  it('does not pass off a page without results markup as "nothing found"', async () => {
    const engine = await startEngine(html(200, fixture('duckduckgo-bot-check.html')));
    const error = await appErrorOf(webSearch({ query: 'node.js streams' }, { duckDuckGoUrl: `${engine.url}/html/` }));
    expect(error.code).toBe('UPSTREAM_FAILED');
    expect(error.message).toMatch(/without search results/);
  });

  it('fails clearly on a server error', async () => {
    const engine = await startEngine(html(503, '<html><body>Service Unavailable</body></html>'));
    const error = await appErrorOf(webSearch({ query: 'x' }, { duckDuckGoUrl: `${engine.url}/html/` }));
    expect(error.code).toBe('UPSTREAM_FAILED');
    expect(error.message).toBe('web search failed: DuckDuckGo answered HTTP 503');
  });
});

describe('web_search against SearXNG', () => {
  const searxngResults = {
    query: 'rust ownership',
    number_of_results: 0,
    results: [
      {
        url: 'https://doc.rust-lang.org/book/ch04-01-what-is-ownership.html',
        title: 'What is Ownership? - The Rust Programming Language',
        content: 'Ownership is a set of rules that govern how a Rust program manages memory.',
        engine: 'duckduckgo',
        parsed_url: ['https', 'doc.rust-lang.org', '/book/ch04-01-what-is-ownership.html', '', '', ''],
        template: 'default.html',
        engines: ['duckduckgo', 'brave'],
        positions: [1, 2],
        score: 4,
        category: 'general',
      },
      { url: 'ftp://old.example/ownership.txt', title: 'Not a web page', content: '', engine: 'bing' },
      {
        url: 'https://en.wikipedia.org/wiki/Rust_(programming_language)',
        title: 'Rust (programming language) - Wikipedia',
        content: null,
        publishedDate: '2024-03-01T00:00:00',
        engine: 'wikipedia',
      },
      { url: 'https://doc.rust-lang.org/book/ch04-01-what-is-ownership.html', title: 'Duplicate', content: 'again', engine: 'bing' },
    ],
    answers: [],
    corrections: [],
    infoboxes: [],
    suggestions: ['rust borrowing'],
    unresponsive_engines: [['google', 'timeout']],
  };

  it('queries the JSON API under the configured base path and maps its results', async () => {
    const engine = await startEngine(json(200, searxngResults));
    const results = await webSearch(
      { query: 'rust ownership', region: 'de-DE', timeRange: 'month' },
      { searxngUrl: `${engine.url}/searx`, duckDuckGoUrl: 'http://127.0.0.1:9/never' },
    );

    const [request] = engine.requests;
    expect(request.method).toBe('GET');
    expect(request.url.pathname).toBe('/searx/search');
    expect(Object.fromEntries(request.url.searchParams)).toEqual({ q: 'rust ownership', format: 'json', language: 'de-DE', time_range: 'month' });
    expect(results).toEqual([
      {
        title: 'What is Ownership? - The Rust Programming Language',
        url: 'https://doc.rust-lang.org/book/ch04-01-what-is-ownership.html',
        snippet: 'Ownership is a set of rules that govern how a Rust program manages memory.',
      },
      { title: 'Rust (programming language) - Wikipedia', url: 'https://en.wikipedia.org/wiki/Rust_(programming_language)', snippet: '' },
    ]);
  });

  it('answers an empty list when SearXNG finds nothing', async () => {
    const engine = await startEngine(json(200, { ...searxngResults, results: [] }));
    expect(await webSearch({ query: 'qwzxv' }, { searxngUrl: engine.url })).toEqual([]);
  });

  it('explains how to fix an instance that refuses the JSON format', async () => {
    const engine = await startEngine(html(403, '<html><body>403 Forbidden</body></html>'));
    const error = await appErrorOf(webSearch({ query: 'x' }, { searxngUrl: engine.url }));
    expect(error.code).toBe('UPSTREAM_FAILED');
    expect(error.message).toMatch(/JSON format.*settings\.yml/);
  });

  it('fails clearly when the answer is not SearXNG JSON', async () => {
    const engine = await startEngine(html(200, '<html><body>a login page</body></html>'));
    const error = await appErrorOf(webSearch({ query: 'x' }, { searxngUrl: engine.url }));
    expect(error.code).toBe('UPSTREAM_FAILED');
    expect(error.message).toMatch(/other than its JSON results/);
  });
});

describe('web_search when the network is out of reach', () => {
  it('says so when nothing listens on the port', async () => {
    const engine = await startEngine(html(200, ''));
    const closedUrl = `${engine.url}/html/`;
    servers.splice(servers.indexOf(engine.server), 1);
    await new Promise((resolve) => engine.server.close(resolve));

    const error = await appErrorOf(webSearch({ query: 'x' }, { duckDuckGoUrl: closedUrl }));
    expect(error.code).toBe('UPSTREAM_FAILED');
    expect(error.message).toMatch(/^web search is out of reach: cannot connect to DuckDuckGo \(127\.0\.0\.1:\d+\): ECONNREFUSED$/);
  });

  it('gives up after the timeout when the engine never answers', async () => {
    const engine = await startEngine(() => undefined);
    const error = await appErrorOf(webSearch({ query: 'x' }, { searxngUrl: engine.url, timeoutMs: 300 }));
    expect(error.code).toBe('UPSTREAM_FAILED');
    expect(error.message).toMatch(/^web search is out of reach: SearXNG \(127\.0\.0\.1:\d+\) did not answer within 0\.3 s$/);
    expect(engine.requests).toHaveLength(1);
  });

  it('stops at once, without calling it a network failure, when the run is cancelled', async () => {
    const engine = await startEngine(() => undefined);
    const controller = new AbortController();
    const search = webSearch({ query: 'x' }, { duckDuckGoUrl: engine.url, signal: controller.signal, timeoutMs: 60_000 });
    await new Promise((resolve) => setImmediate(resolve));
    controller.abort(new Error('run cancelled'));
    await expect(search).rejects.toThrow('run cancelled');
  });
});
