// The built-in tools as the agent will call them (through the app's BuiltinToolService), on the same
// workspace the files API serves, and web_search against a local fake engine speaking the real formats.
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BuiltinToolService } from '../../../src/modules/tools';
import { startApp, type TestApp } from '../../support/app';
import { signUp, type TestUser } from '../../support/accounts';
import { download, listFiles, treeOf, upload, workspaceOf } from '../files/files-client';
import { HOSTILE_PATHS } from '../files/hostile-paths';
import { freePort } from '../../support/processes';

const MAX_BYTES = 2000;
const QUOTA_BYTES = 5000;
const duckDuckGoPage = readFileSync(join(__dirname, 'fixtures', 'duckduckgo-results.html'), 'utf8');

interface FakeEngine {
  url: string;
  server: Server;
  /** What the next requests get. */
  mode: 'results' | 'hang' | 'searxng';
  queries: string[];
}

async function startEngine(): Promise<FakeEngine> {
  const engine: FakeEngine = { url: '', server: createServer(), mode: 'results', queries: [] };
  engine.server.on('request', (req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://engine');
      engine.queries.push(url.searchParams.get('q') ?? new URLSearchParams(body).get('q') ?? '');
      if (engine.mode === 'hang') return;
      if (engine.mode === 'searxng') {
        const results = Array.from({ length: 8 }, (_, i) => ({ url: `https://example.org/page-${i}`, title: `Page ${i}`, content: `snippet ${i} `.repeat(40) }));
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ results }));
        return;
      }
      res.writeHead(200, { 'content-type': 'text/html; charset=UTF-8' }).end(duckDuckGoPage);
    });
  });
  await new Promise<void>((resolve) => engine.server.listen(0, '127.0.0.1', resolve));
  engine.url = `http://127.0.0.1:${(engine.server.address() as AddressInfo).port}`;
  return engine;
}

let engine: FakeEngine;
let app: TestApp;
let tools: BuiltinToolService;
let outside: string;

beforeAll(async () => {
  engine = await startEngine();
  app = await startApp({
    FILES_MAX_BYTES: String(MAX_BYTES),
    FILES_QUOTA_BYTES: String(QUOTA_BYTES),
    WEB_SEARCH_DUCKDUCKGO_URL: `${engine.url}/html/`,
    WEB_SEARCH_TIMEOUT_MS: '300',
  });
  tools = app.container.get(BuiltinToolService);
  outside = await mkdtemp(join(tmpdir(), 'hub-outside-'));
  await writeFile(join(outside, 'secret.txt'), 'top secret outside the workspace');
});
afterAll(async () => {
  await app.close();
  engine.server.closeAllConnections();
  await new Promise((resolve) => engine.server.close(resolve));
  await rm(outside, { recursive: true, force: true });
});

const run = (user: TestUser, name: string, args: unknown, options: { signal?: AbortSignal } = {}) =>
  tools.execute(app.orm.em.fork(), user.id, name, args, options);

const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');

describe('the built-in tools offered to the model', () => {
  it('are file_save, file_read, file_search and web_search, each with a closed JSON Schema', () => {
    const definitions = tools.definitions();
    expect(definitions.map((tool) => tool.name)).toEqual(['file_save', 'file_read', 'file_search', 'web_search']);
    for (const tool of definitions) {
      expect(tool.parameters).toMatchObject({ type: 'object', additionalProperties: false, properties: expect.any(Object) });
      expect(tools.has(tool.name)).toBe(true);
    }
    expect(definitions[0].parameters).toMatchObject({ required: ['path', 'text'], properties: { encoding: { type: 'string' } } });
    expect(definitions[3].parameters).toMatchObject({ required: ['query'], properties: { maxResults: { type: 'integer' }, region: {}, timeRange: {} } });
    expect(tools.has('shell')).toBe(false);
  });

  it('answer an unknown tool or bad arguments with an error the model can read', async () => {
    const user = await signUp(app);
    expect(await run(user, 'shell', { command: 'ls' })).toEqual({ isError: true, text: 'Built-in tool "shell" not found.' });
    expect(await run(user, 'file_read', {})).toEqual({ isError: true, text: 'path: is required' });
    expect(await run(user, 'file_read', { path: 'a.txt', mode: 'x' })).toEqual({ isError: true, text: 'mode: is not a parameter of this tool' });
    const unknownEncoding = await run(user, 'file_save', { path: 'a.txt', text: 'hi', encoding: 'utf-7' });
    expect(unknownEncoding).toEqual({ isError: true, text: expect.stringContaining('not an encoding Node knows') });
  });
});

describe('the file tools and the files API share one workspace', () => {
  it('file_save writes a file that files lists and GET downloads with the same bytes; saving again keeps its id', async () => {
    const user = await signUp(app);
    const saved = await run(user, 'file_save', { path: 'notes/summary.md', text: '# Summary\nAll good.\n' });
    expect(saved).toEqual({ isError: false, text: 'Created "notes/summary.md" (20 bytes, text/markdown).' });
    const listed = await listFiles(user.client);
    expect(listed.edges.map((e) => e.node)).toEqual([
      expect.objectContaining({ path: 'notes/summary.md', size: 20, mimeType: 'text/markdown', sha256: sha256('# Summary\nAll good.\n') }),
    ]);
    const got = await download(app, user.accessToken, listed.edges[0].node.downloadUrl);
    expect(got.bytes.toString()).toBe('# Summary\nAll good.\n');

    const bytes = randomBytes(300);
    expect((await run(user, 'file_save', { path: 'notes/summary.md', text: bytes.toString('base64'), encoding: 'base64' })).text).toMatch(/^Replaced/);
    const after = await listFiles(user.client);
    expect(after.edges.map((e) => e.node)).toEqual([expect.objectContaining({ id: listed.edges[0].node.id, size: 300, sha256: sha256(bytes) })]);
    expect((await download(app, user.accessToken, after.edges[0].node.downloadUrl)).bytes.equals(bytes)).toBe(true);
  });

  it('file_read reads an uploaded file, says a binary one is binary, and gives its bytes as base64', async () => {
    const user = await signUp(app);
    await upload(app, user.accessToken, { name: 'plan.txt', bytes: 'step 1: upload\nstep 2: read\n' });
    expect(await run(user, 'file_read', { path: 'plan.txt' })).toEqual({ isError: false, text: 'step 1: upload\nstep 2: read\n' });

    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]), randomBytes(100)]);
    await upload(app, user.accessToken, { name: 'logo.png', bytes: png });
    const asText = await run(user, 'file_read', { path: 'logo.png' });
    expect(asText).toEqual({ isError: false, text: expect.stringMatching(/^"logo\.png" is a binary file \(image\/png, 109 bytes\)/) });
    const asBase64 = await run(user, 'file_read', { path: 'logo.png', encoding: 'base64' });
    expect(Buffer.from(asBase64.text, 'base64').equals(png)).toBe(true);
  });

  it('file_search finds uploaded and saved files by name and by content', async () => {
    const user = await signUp(app);
    await upload(app, user.accessToken, { name: 'x', bytes: 'budget: 1200\n' }, { path: 'finance/budget.csv' });
    await run(user, 'file_save', { path: 'finance/notes.md', text: 'the budget is tight\n' });
    await run(user, 'file_save', { path: 'travel.md', text: 'Lisbon in May\n' });
    const byName = JSON.parse((await run(user, 'file_search', { pattern: '*.md' })).text);
    expect(byName.files.map((f: { path: string }) => f.path)).toEqual(['finance/notes.md', 'travel.md']);
    const byContent = JSON.parse((await run(user, 'file_search', { pattern: '*', directory: 'finance', contains: 'BUDGET' })).text);
    expect(byContent.files).toEqual([
      expect.objectContaining({ path: 'finance/budget.csv', line: 1, text: 'budget: 1200' }),
      expect.objectContaining({ path: 'finance/notes.md', line: 1, text: 'the budget is tight' }),
    ]);
  });

  it('file_save keeps to FILES_MAX_BYTES and to the quota, writing nothing when it cannot', async () => {
    const user = await signUp(app);
    const tooBig = await run(user, 'file_save', { path: 'big.txt', text: 'x'.repeat(MAX_BYTES + 1) });
    expect(tooBig).toEqual({ isError: true, text: expect.stringContaining('too large') });
    expect(await run(user, 'file_save', { path: 'exact.txt', text: 'x'.repeat(MAX_BYTES) })).toMatchObject({ isError: false });
    await upload(app, user.accessToken, { name: 'a.bin', bytes: randomBytes(MAX_BYTES) });
    // 4000 of 5000 used.
    const overQuota = await run(user, 'file_save', { path: 'more.txt', text: 'y'.repeat(1001) });
    expect(overQuota).toEqual({ isError: true, text: expect.stringContaining('quota') });
    expect(await treeOf(workspaceOf(app, user.id))).toEqual(['a.bin', 'exact.txt']);
    expect((await listFiles(user.client)).totalCount).toBe(2);
    // Replacing counts the old file as freed.
    expect(await run(user, 'file_save', { path: 'exact.txt', text: 'z'.repeat(MAX_BYTES) })).toMatchObject({ isError: false });
  });

  it('file_save calls made at the same time cannot pass the quota together', async () => {
    const user = await signUp(app);
    const results = await Promise.all([1, 2, 3, 4, 5].map((n) => run(user, 'file_save', { path: `part-${n}.txt`, text: String(n).repeat(1500) })));
    // 5000 bytes of quota hold three 1500-byte files.
    expect(results.filter((result) => !result.isError)).toHaveLength(3);
    expect(results.filter((result) => result.isError)).toEqual([
      { isError: true, text: expect.stringContaining('quota') },
      { isError: true, text: expect.stringContaining('quota') },
    ]);
    const listed = await listFiles(user.client);
    expect(listed.edges.reduce((sum, edge) => sum + edge.node.size, 0)).toBe(4500);
    expect(await treeOf(workspaceOf(app, user.id))).toHaveLength(3);
  });
});

describe('the sandbox', () => {
  it(`refuses ${HOSTILE_PATHS.length} hostile paths in every file tool, as errors the model can read, touching nothing`, async () => {
    const user = await signUp(app);
    await run(user, 'file_save', { path: 'inside.txt', text: 'inside' });
    const calls: Array<[string, (path: string) => Record<string, unknown>]> = [
      ['file_save', (path) => ({ path, text: 'payload' })],
      ['file_read', (path) => ({ path })],
      ['file_search', (directory) => ({ pattern: '*', directory })],
    ];
    for (const [name, args] of calls) {
      for (const path of HOSTILE_PATHS) {
        const result = await run(user, name, args(path));
        expect([name, path, result.isError]).toEqual([name, path, true]);
        expect(result.text).toMatch(/^(path|directory): /);
        expect(result.text).not.toContain('top secret');
      }
    }
    expect(await treeOf(join(app.config.files.dir, user.id))).toEqual(['files', 'files/inside.txt', 'tmp']);
    expect(await treeOf(outside)).toEqual(['secret.txt']);
    expect((await listFiles(user.client)).edges.map((e) => e.node.path)).toEqual(['inside.txt']);
  });

  it('refuses symbolic links planted in the workspace, to a file or a folder outside, in every file tool', async () => {
    const user = await signUp(app);
    await run(user, 'file_save', { path: 'inside.txt', text: 'inside' });
    const workspace = workspaceOf(app, user.id);
    await symlink(join(outside, 'secret.txt'), join(workspace, 'leak.txt'));
    await symlink(outside, join(workspace, 'linked'));

    for (const [name, args] of [
      ['file_read', { path: 'leak.txt' }],
      ['file_read', { path: 'linked/secret.txt' }],
      ['file_save', { path: 'leak.txt', text: 'overwritten' }],
      ['file_save', { path: 'linked/new.txt', text: 'planted' }],
      ['file_search', { pattern: '*', directory: 'linked' }],
    ] as const) {
      const result = await run(user, name, args);
      expect([name, args, result.isError, result.text]).toEqual([name, args, true, expect.stringContaining('symbolic link')]);
    }
    const everything = JSON.parse((await run(user, 'file_search', { pattern: '*', contains: 'secret' })).text);
    expect(everything.files).toEqual([]);
    const listing = JSON.parse((await run(user, 'file_search', { pattern: '*' })).text);
    expect(listing.files.map((f: { path: string }) => f.path)).toEqual(['inside.txt']);
    expect(await readFile(join(outside, 'secret.txt'), 'utf8')).toBe('top secret outside the workspace');
    expect(await treeOf(outside)).toEqual(['secret.txt']);
  });
});

describe('web_search', () => {
  it('answers title, url and snippet from DuckDuckGo (a local fake of its results page)', async () => {
    const user = await signUp(app);
    engine.mode = 'results';
    const result = await run(user, 'web_search', { query: 'node.js streams', maxResults: 2 });
    expect(result.isError).toBe(false);
    expect(JSON.parse(result.text)).toEqual({
      results: [
        { title: 'Stream | Node.js v20.11.1 Documentation', url: 'https://nodejs.org/api/stream.html', snippet: expect.stringMatching(/^A stream is an abstract interface/) },
        { title: expect.stringContaining('Everything you need to know'), url: expect.stringContaining('freecodecamp.org'), snippet: expect.any(String) },
      ],
    });
    expect(engine.queries.at(-1)).toBe('node.js streams');
  });

  it('says the engine did not answer in time, as an error the model can read', async () => {
    const user = await signUp(app);
    engine.mode = 'hang';
    const result = await run(user, 'web_search', { query: 'slow' });
    expect(result).toEqual({ isError: true, text: expect.stringMatching(/out of reach.*did not answer within 0\.3 s/) });
  });

  it('rejects with the abort when the run is cancelled, instead of answering', async () => {
    const user = await signUp(app);
    engine.mode = 'hang';
    const controller = new AbortController();
    const pending = run(user, 'web_search', { query: 'cancel me' }, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('run cancelled')), 50);
    await expect(pending).rejects.toThrow('run cancelled');
    await expect(run(user, 'file_read', { path: 'x.txt' }, { signal: controller.signal })).rejects.toThrow('run cancelled');
  });

  it('asks SearXNG when SEARXNG_URL is set, and cuts the answer to TOOL_RESULT_MAX_BYTES', async () => {
    const searxApp = await startApp({ SEARXNG_URL: engine.url, TOOL_RESULT_MAX_BYTES: '1024' });
    try {
      const user = await signUp(searxApp);
      engine.mode = 'searxng';
      const result = await searxApp.container.get(BuiltinToolService).execute(searxApp.orm.em.fork(), user.id, 'web_search', { query: 'long answers', maxResults: 8 });
      expect(result.isError).toBe(false);
      expect(result.text).toMatch(/^\{"results":\[\{"title":"Page 0","url":"https:\/\/example\.org\/page-0"/);
      expect(Buffer.byteLength(result.text)).toBeLessThanOrEqual(1024);
      expect(result.text).toMatch(/\[output cut: \d+ of \d+ bytes not shown\]$/);
      expect(engine.queries.at(-1)).toBe('long answers');
    } finally {
      await searxApp.close();
    }
  });

  it('says the search engine is out of reach when nothing listens there', async () => {
    const port = await freePort();
    const offline = await startApp({ WEB_SEARCH_DUCKDUCKGO_URL: `http://127.0.0.1:${port}/html/` });
    try {
      const user = await signUp(offline);
      const result = await offline.container.get(BuiltinToolService).execute(offline.orm.em.fork(), user.id, 'web_search', { query: 'anything' });
      expect(result).toEqual({ isError: true, text: `web search is out of reach: cannot connect to DuckDuckGo (127.0.0.1:${port}): ECONNREFUSED` });
    } finally {
      await offline.close();
    }
  });
});
