// POST /files and GET /files/:id as a chat UI uses them: multipart uploads streamed to the workspace,
// downloads streamed back, the size limit and the quota, ranges, and what is refused.
import { createHash, randomBytes } from 'node:crypto';
import { get, type IncomingMessage } from 'node:http';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { capturingLogger, startApp, type TestApp } from '../../support/app';
import { signUp, type TestUser } from '../../support/accounts';
import { download, listFiles, treeOf, upload, workspaceOf } from './files-client';
import { HOSTILE_PATHS } from './hostile-paths';

const MAX_BYTES = 1000;
const QUOTA_BYTES = 2500;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz';

let app: TestApp;
let logs: ReturnType<typeof capturingLogger>;
let outside: string;

beforeAll(async () => {
  logs = capturingLogger('debug');
  app = await startApp({ FILES_MAX_BYTES: String(MAX_BYTES), FILES_QUOTA_BYTES: String(QUOTA_BYTES), LOG_LEVEL: 'debug' }, { logger: logs.logger });
  outside = await mkdtemp(join(tmpdir(), 'hub-outside-'));
  await writeFile(join(outside, 'secret.txt'), 'top secret outside the workspace');
});
afterAll(async () => {
  await app.close();
  await rm(outside, { recursive: true, force: true });
});

const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');

/** What the user's folder holds, tmp/ included: a refused upload must leave nothing anywhere. */
const userTree = (user: TestUser) => treeOf(join(app.config.files.dir, user.id));

describe('uploading and downloading', () => {
  it('round-trips a text file: the same bytes, its type, size, checksum and an attachment name', async () => {
    const user = await signUp(app);
    const text = 'Quarterly notes\nrevenue: up\n';
    const answer = await upload(app, user.accessToken, { name: 'notes.md', bytes: text });
    expect(answer.status).toBe(201);
    expect(answer.body).toEqual({
      created: true,
      file: {
        id: expect.any(String),
        path: 'notes.md',
        size: Buffer.byteLength(text),
        mimeType: 'text/markdown',
        sha256: sha256(text),
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
        downloadUrl: `/files/${answer.body.file!.id}`,
      },
    });
    expect(answer.headers.get('location')).toBe(answer.body.file!.downloadUrl);

    const got = await download(app, user.accessToken, answer.body.file!.downloadUrl);
    expect(got.status).toBe(200);
    expect(got.bytes.toString()).toBe(text);
    expect(got.headers.get('content-type')).toBe('text/markdown');
    expect(got.headers.get('content-length')).toBe(String(Buffer.byteLength(text)));
    expect(got.headers.get('content-disposition')).toBe('attachment; filename=notes.md');
    expect(got.headers.get('etag')).toBe(`"${sha256(text)}"`);
    expect(got.headers.get('accept-ranges')).toBe('bytes');
    expect(got.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('round-trips binary bytes exactly, NUL bytes and all', async () => {
    const user = await signUp(app);
    const bytes = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0xff, 0xfe]), randomBytes(600)]);
    const answer = await upload(app, user.accessToken, { name: 'chart.png', bytes });
    expect(answer.status).toBe(201);
    expect(answer.body.file).toMatchObject({ size: bytes.length, mimeType: 'image/png', sha256: sha256(bytes) });
    const got = await download(app, user.accessToken, answer.body.file!.downloadUrl);
    expect(got.headers.get('content-type')).toBe('image/png');
    expect(got.bytes.equals(bytes)).toBe(true);
    expect((await readFile(join(workspaceOf(app, user.id), 'chart.png'))).equals(bytes)).toBe(true);
  });

  it('round-trips an empty file', async () => {
    const user = await signUp(app);
    const answer = await upload(app, user.accessToken, { name: 'empty.txt', bytes: '' });
    expect(answer.status).toBe(201);
    expect(answer.body.file).toMatchObject({ size: 0, sha256: sha256('') });
    const got = await download(app, user.accessToken, answer.body.file!.downloadUrl);
    expect(got.status).toBe(200);
    expect(got.headers.get('content-length')).toBe('0');
    expect(got.bytes.length).toBe(0);
  });

  it('accepts a file of exactly FILES_MAX_BYTES', async () => {
    const user = await signUp(app);
    const bytes = randomBytes(MAX_BYTES);
    const answer = await upload(app, user.accessToken, { name: 'exact.bin', bytes });
    expect(answer.status).toBe(201);
    expect((await download(app, user.accessToken, answer.body.file!.downloadUrl)).bytes.equals(bytes)).toBe(true);
  });

  it('refuses a file one byte over FILES_MAX_BYTES with 413, keeping nothing on disk or in files', async () => {
    const user = await signUp(app);
    const answer = await upload(app, user.accessToken, { name: 'over.bin', bytes: randomBytes(MAX_BYTES + 1) });
    expect(answer.status).toBe(413);
    expect(answer.body.error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', limitBytes: MAX_BYTES, message: expect.stringMatching(/too large.*upload size limit \(1000 bytes\)/) });
    expect(await userTree(user)).not.toContainEqual(expect.stringMatching(/over\.bin|\.part$/));
    expect((await listFiles(user.client)).totalCount).toBe(0);
  });

  it('answers 413 while a client is still sending a body far over the limit, and stays usable', async () => {
    const user = await signUp(app);
    const boundary = 'hub-test-boundary';
    let sentMegabytes = 0;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="huge.bin"\r\n\r\n`));
      },
      pull(controller) {
        if (sentMegabytes === 200) {
          controller.enqueue(Buffer.from(`\r\n--${boundary}--\r\n`));
          controller.close();
        } else {
          sentMegabytes++;
          controller.enqueue(Buffer.alloc(1024 * 1024, 0x61));
        }
      },
    });
    const response = await fetch(`${app.url}/files`, {
      method: 'POST',
      headers: { authorization: `Bearer ${user.accessToken}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(sentMegabytes).toBeLessThan(200);
    expect(await userTree(user)).not.toContainEqual(expect.stringMatching(/huge\.bin|\.part$/));
    expect((await upload(app, user.accessToken, { name: 'after.txt', bytes: 'still fine' })).status).toBe(201);
  });

  it("refuses an upload over the user's quota with 413, keeping nothing, and counts a replaced file as freed", async () => {
    const user = await signUp(app);
    expect((await upload(app, user.accessToken, { name: 'a.bin', bytes: randomBytes(1000) })).status).toBe(201);
    expect((await upload(app, user.accessToken, { name: 'b.bin', bytes: randomBytes(1000) })).status).toBe(201);
    const over = await upload(app, user.accessToken, { name: 'c.bin', bytes: randomBytes(501) });
    expect(over.status).toBe(413);
    expect(over.body.error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', limitBytes: 500, message: expect.stringContaining('storage quota') });
    expect(await treeOf(workspaceOf(app, user.id))).toEqual(['a.bin', 'b.bin']);
    expect((await listFiles(user.client)).totalCount).toBe(2);

    expect((await upload(app, user.accessToken, { name: 'c.bin', bytes: randomBytes(500) })).status).toBe(201);
    // 2500 of 2500 used: replacing a 1000-byte file with 1000 bytes still fits.
    expect((await upload(app, user.accessToken, { name: 'a.bin', bytes: randomBytes(1000) })).status).toBe(200);
    expect((await upload(app, user.accessToken, { name: 'd.txt', bytes: 'x' })).status).toBe(413);
  });

  it('counts uploads sent at the same time against the quota together', async () => {
    const user = await signUp(app);
    // Five 900-byte uploads in flight at once, each held half-sent until all have started: only two fit in 2500 bytes.
    let release!: () => void;
    const allStarted = new Promise<void>((resolve) => (release = resolve));
    const boundary = 'hub-race-boundary';
    const send = (name: string) => {
      const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\n\r\n${'a'.repeat(450)}`);
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(head);
        },
        async pull(controller) {
          await allStarted;
          controller.enqueue(Buffer.from(`${'b'.repeat(450)}\r\n--${boundary}--\r\n`));
          controller.close();
        },
      });
      return fetch(`${app.url}/files`, {
        method: 'POST',
        headers: { authorization: `Bearer ${user.accessToken}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
        body,
        duplex: 'half',
      } as RequestInit);
    };
    const pending = ['r1.bin', 'r2.bin', 'r3.bin', 'r4.bin', 'r5.bin'].map(send);
    setTimeout(release, 300);
    const statuses = (await Promise.all(pending)).map((response) => response.status).sort();
    expect(statuses).toEqual([201, 201, 413, 413, 413]);
    const listed = await listFiles(user.client);
    expect(listed.edges.reduce((sum, edge) => sum + edge.node.size, 0)).toBe(1800);
    expect((await treeOf(workspaceOf(app, user.id))).length).toBe(2);
    expect(await userTree(user)).not.toContainEqual(expect.stringMatching(/\.part$/));
  });

  it('puts the file at the path field, making folders, or in a folder when the path ends in "/"', async () => {
    const user = await signUp(app);
    const deep = await upload(app, user.accessToken, { name: 'ignored.csv', bytes: 'a,b\n' }, { path: 'reports/2024/q1.csv' });
    expect(deep.status).toBe(201);
    expect(deep.body.file).toMatchObject({ path: 'reports/2024/q1.csv', mimeType: 'text/csv' });
    const inFolder = await upload(app, user.accessToken, { name: 'todo.txt', bytes: 'buy milk' }, { path: 'inbox/' });
    expect(inFolder.body.file?.path).toBe('inbox/todo.txt');
    expect(await treeOf(workspaceOf(app, user.id))).toEqual(['inbox', 'inbox/todo.txt', 'reports', 'reports/2024', 'reports/2024/q1.csv']);
  });

  it('replaces a file at the same path keeping its id, or answers 409 with overwrite=false', async () => {
    const user = await signUp(app);
    const first = await upload(app, user.accessToken, { name: 'draft.txt', bytes: 'one' });
    const second = await upload(app, user.accessToken, { name: 'draft.txt', bytes: 'two!' });
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ created: false, file: { id: first.body.file!.id, size: 4, sha256: sha256('two!'), createdAt: first.body.file!.createdAt } });
    const refused = await upload(app, user.accessToken, { name: 'draft.txt', bytes: 'three' }, { overwrite: 'false' });
    expect(refused.status).toBe(409);
    expect(refused.body.error?.code).toBe('CONFLICT');
    expect((await download(app, user.accessToken, first.body.file!.downloadUrl)).bytes.toString()).toBe('two!');
    expect((await listFiles(user.client)).totalCount).toBe(1);
  });

  it('names a download with a non-ASCII name both ways (RFC 6266 filename*)', async () => {
    const user = await signUp(app);
    const answer = await upload(app, user.accessToken, { name: 'résumé 2024.pdf', bytes: '%PDF-1.4' });
    expect(answer.body.file?.path).toBe('résumé 2024.pdf');
    const got = await download(app, user.accessToken, answer.body.file!.downloadUrl);
    expect(got.headers.get('content-type')).toBe('application/pdf');
    expect(got.headers.get('content-disposition')).toBe(`attachment; filename="r?sum? 2024.pdf"; filename*=UTF-8''r%C3%A9sum%C3%A9%202024.pdf`);
  });

  it('never writes the bearer token into the logs', async () => {
    const user = await signUp(app);
    const answer = await upload(app, user.accessToken, { name: 'log-check.txt', bytes: 'x' });
    await download(app, user.accessToken, answer.body.file!.downloadUrl);
    await upload(app, user.accessToken, { name: 'log-check-2.bin', bytes: randomBytes(MAX_BYTES + 1) });
    expect(logs.lines.length).toBeGreaterThan(0);
    expect(logs.text()).not.toContain(user.accessToken);
  });
});

describe('what uploads refuse', () => {
  it('asks for the bearer token: 401 without one or with a bad one', async () => {
    for (const token of [undefined, 'not-a-token']) {
      const answer = await upload(app, token, { name: 'x.txt', bytes: 'x' });
      expect(answer.status).toBe(401);
      expect(answer.body.error?.code).toBe('UNAUTHENTICATED');
    }
  });

  it('refuses a body that is not multipart, a form without a file and unknown fields (400)', async () => {
    const user = await signUp(app);
    const json = await fetch(`${app.url}/files`, {
      method: 'POST',
      headers: { authorization: `Bearer ${user.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ path: 'x.txt', text: 'hi' }),
    });
    expect(json.status).toBe(400);
    expect((await upload(app, user.accessToken, null, { path: 'x.txt' })).body.error).toMatchObject({ code: 'BAD_USER_INPUT', fields: { file: expect.stringContaining('missing') } });
    expect((await upload(app, user.accessToken, { name: 'x.txt', bytes: 'x' }, { folder: 'a' })).body.error).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: { folder: expect.stringContaining('not a field') },
    });
    expect(await userTree(user)).toEqual([]);
  });

  it('answers 400 for an overwrite field that is not true or false, and for a file with neither a name nor a path', async () => {
    const user = await signUp(app);
    const badOverwrite = await upload(app, user.accessToken, { name: 'a.txt', bytes: 'x' }, { overwrite: 'maybe' });
    expect([badOverwrite.status, badOverwrite.body.error?.fields]).toEqual([400, { overwrite: 'must be true or false' }]);
    const nameless = await upload(app, user.accessToken, { name: '', bytes: 'x' });
    expect([nameless.status, nameless.body.error?.fields]).toEqual([400, { path: expect.stringContaining('is missing') }]);
    expect(await userTree(user)).not.toContainEqual(expect.stringMatching(/a\.txt|\.part$/));
    expect((await upload(app, user.accessToken, { name: 'after.txt', bytes: 'still up' })).status).toBe(201);
  });

  it('answers 400 for a body that ends before its closing boundary, keeping nothing, and stays up', async () => {
    const user = await signUp(app);
    const filePart = 'Content-Disposition: form-data; name="file"; filename="cut.txt"\r\n\r\nno closing boundary follows';
    const bodies = [
      `--cut\r\n${filePart}`,
      `--cut\r\nContent-Disposition: form-data; name="path"\r\n\r\n../refused.txt\r\n--cut\r\n${filePart}`,
      `--cut\r\nContent-Disposition: form-data; name="folder"\r\n\r\nnot a field\r\n--cut\r\n${filePart}`,
    ];
    for (const body of bodies) {
      const response = await fetch(`${app.url}/files`, {
        method: 'POST',
        headers: { authorization: `Bearer ${user.accessToken}`, 'content-type': 'multipart/form-data; boundary=cut' },
        body,
      });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('BAD_USER_INPUT');
    }
    expect(await userTree(user)).not.toContainEqual(expect.stringMatching(/cut\.txt|refused|\.part$/));
    expect((await upload(app, user.accessToken, { name: 'after.txt', bytes: 'still up' })).status).toBe(201);
  });

  it('keeps nothing from a request with a field after the file or a second file', async () => {
    const user = await signUp(app);
    const late = await upload(app, user.accessToken, { name: 'late.txt', bytes: 'late' }, {}, [['path', 'elsewhere.txt']]);
    expect(late.status).toBe(400);
    expect(late.body.error?.fields).toEqual({ path: 'must come before the file part' });
    const two = await upload(app, user.accessToken, { name: 'one.txt', bytes: 'one' }, {}, [['file', { name: 'two.txt', bytes: 'two' }]]);
    expect(two.status).toBe(400);
    expect(two.body.error?.fields).toEqual({ file: 'send one file per request' });
    expect(await treeOf(workspaceOf(app, user.id))).toEqual([]);
    expect((await listFiles(user.client)).totalCount).toBe(0);
  });

  it('refuses hostile paths in the path field (400), writing nothing anywhere', async () => {
    const user = await signUp(app);
    for (const path of HOSTILE_PATHS) {
      const answer = await upload(app, user.accessToken, { name: 'payload.txt', bytes: 'payload' }, { path });
      expect([path, answer.status, answer.body.error?.code]).toEqual([path, 400, 'BAD_USER_INPUT']);
      expect(answer.body.error?.fields?.path).toEqual(expect.any(String));
    }
    expect(await userTree(user)).not.toContainEqual(expect.stringMatching(/payload|escape|passwd|\.part$/));
    expect(await treeOf(outside)).toEqual(['secret.txt']);
    expect((await listFiles(user.client)).totalCount).toBe(0);
  });
});

describe('downloads', () => {
  async function alphabetFile(user: TestUser) {
    const answer = await upload(app, user.accessToken, { name: 'alphabet.txt', bytes: ALPHABET });
    return answer.body.file!;
  }

  it('answers 401 without a token, and 404 alike for a missing id, a malformed id and another user’s file', async () => {
    const owner = await signUp(app);
    const stranger = await signUp(app);
    const file = await alphabetFile(owner);
    expect((await download(app, undefined, file.downloadUrl)).status).toBe(401);
    const theirs = await download(app, stranger.accessToken, file.downloadUrl);
    const missing = await download(app, stranger.accessToken, '/files/01a22000-0000-7000-8000-000000000000');
    const malformed = await download(app, stranger.accessToken, '/files/not-an-id');
    for (const answer of [theirs, missing, malformed]) {
      expect(answer.status).toBe(404);
      expect(JSON.parse(answer.bytes.toString()).error).toMatchObject({ code: 'NOT_FOUND', message: 'File not found.' });
    }
  });

  it('serves single byte ranges with 206 and Content-Range, suffix and open ranges included', async () => {
    const user = await signUp(app);
    const file = await alphabetFile(user);
    const cases: Array<[string, string, string]> = [
      ['bytes=2-5', 'cdef', 'bytes 2-5/26'],
      ['bytes=-3', 'xyz', 'bytes 23-25/26'],
      ['bytes=20-', 'uvwxyz', 'bytes 20-25/26'],
      ['bytes=24-100', 'yz', 'bytes 24-25/26'],
      ['bytes=-100', ALPHABET, 'bytes 0-25/26'],
    ];
    for (const [range, body, contentRange] of cases) {
      const got = await download(app, user.accessToken, file.downloadUrl, { range });
      expect([range, got.status, got.bytes.toString(), got.headers.get('content-range'), got.headers.get('content-length')]).toEqual([
        range,
        206,
        body,
        contentRange,
        String(body.length),
      ]);
    }
  });

  it('answers 416 for a range outside the file, and the whole file for several or malformed ranges', async () => {
    const user = await signUp(app);
    const file = await alphabetFile(user);
    for (const range of ['bytes=26-', 'bytes=100-200', 'bytes=-0']) {
      const got = await download(app, user.accessToken, file.downloadUrl, { range });
      expect([range, got.status, got.headers.get('content-range')]).toEqual([range, 416, 'bytes */26']);
    }
    for (const range of ['bytes=0-1,5-6', 'bytes=x-y', 'items=0-5']) {
      const got = await download(app, user.accessToken, file.downloadUrl, { range });
      expect([range, got.status, got.bytes.toString()]).toEqual([range, 200, ALPHABET]);
    }
  });

  it('honours If-Range and If-None-Match with the ETag', async () => {
    const user = await signUp(app);
    const file = await alphabetFile(user);
    const etag = `"${file.sha256}"`;
    expect((await download(app, user.accessToken, file.downloadUrl, { range: 'bytes=0-2', 'if-range': etag })).status).toBe(206);
    const stale = await download(app, user.accessToken, file.downloadUrl, { range: 'bytes=0-2', 'if-range': `"${sha256('old')}"` });
    expect([stale.status, stale.bytes.toString()]).toEqual([200, ALPHABET]);
    // node:http, not fetch: fetch adds Cache-Control: no-cache to conditional requests, which asks for the bytes again.
    const cached = await new Promise<IncomingMessage>((resolve, reject) =>
      get(new URL(file.downloadUrl, app.url), { headers: { authorization: `Bearer ${user.accessToken}`, 'if-none-match': etag } }, resolve).on('error', reject),
    );
    cached.resume();
    expect(cached.statusCode).toBe(304);
  });

  it('answers HEAD with the headers and no body', async () => {
    const user = await signUp(app);
    const file = await alphabetFile(user);
    const response = await fetch(new URL(file.downloadUrl, app.url), { method: 'HEAD', headers: { authorization: `Bearer ${user.accessToken}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe('26');
    expect(await response.text()).toBe('');
  });

  it('never serves through a symbolic link planted in the workspace, to a file or a folder outside', async () => {
    const user = await signUp(app);
    const file = await upload(app, user.accessToken, { name: 'a.txt', bytes: 'mine' });
    const nested = await upload(app, user.accessToken, { name: 'b.txt', bytes: 'mine too' }, { path: 'docs/secret.txt' });
    const workspace = workspaceOf(app, user.id);
    await rm(join(workspace, 'a.txt'));
    await symlink(join(outside, 'secret.txt'), join(workspace, 'a.txt'));
    await rm(join(workspace, 'docs'), { recursive: true });
    await symlink(outside, join(workspace, 'docs'));

    for (const url of [file.body.file!.downloadUrl, nested.body.file!.downloadUrl]) {
      const got = await download(app, user.accessToken, url);
      expect(got.status).toBeGreaterThanOrEqual(400);
      expect(got.bytes.toString()).not.toContain('top secret');
    }
    const through = await upload(app, user.accessToken, { name: 'x.txt', bytes: 'planted' }, { path: 'docs/planted.txt' });
    expect(through.status).toBe(400);
    expect(through.body.error?.fields?.path).toContain('symbolic link');
    expect(await treeOf(outside)).toEqual(['secret.txt']);
  });

  it('answers 404 for a file whose bytes were removed from the disk behind its back', async () => {
    const user = await signUp(app);
    const file = (await upload(app, user.accessToken, { name: 'gone.txt', bytes: 'soon gone' }, { path: 'tmp-dir/gone.txt' })).body.file!;
    await rm(join(workspaceOf(app, user.id), 'tmp-dir'), { recursive: true });
    await mkdir(join(workspaceOf(app, user.id), 'tmp-dir'));
    expect((await download(app, user.accessToken, file.downloadUrl)).status).toBe(404);
  });
});
