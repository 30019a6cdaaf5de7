import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  fileRead,
  fileSave,
  fileSearch,
  fileTools,
  type FileToolContext,
} from '../../../src/modules/files/file-tools';
import { LocalDiskStorage } from '../../../src/modules/files/local-disk-storage';
import { appErrorOf } from '../../support/app-error-of';

let base: string;
let outside: string;
let workspace: string;
let context: FileToolContext;
const user = 'u1';

beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), 'hub-file-tools-'));
  outside = join(base, 'outside');
  await mkdir(outside);
  await writeFile(join(outside, 'secret.txt'), 'top secret');
  const root = join(base, 'root');
  workspace = join(root, user, 'files');
  context = { storage: new LocalDiskStorage({ root }), userId: user };
});

afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

const save = (args: Record<string, unknown>, ctx = context) => fileSave(ctx, args);
const read = async (args: Record<string, unknown>, ctx = context) => (await fileRead(ctx, args)).text;
const search = async (args: Record<string, unknown>, ctx = context) => JSON.parse((await fileSearch(ctx, args)).text);

describe('the file tools offered to the model', () => {
  it('have closed JSON Schemas', () => {
    expect(fileTools.map((t) => t.name)).toEqual(['file_save', 'file_read', 'file_search']);
    for (const tool of fileTools) {
      expect(tool.parameters).toMatchObject({ type: 'object', additionalProperties: false });
      expect(tool.description.length).toBeGreaterThan(20);
    }
    expect(fileTools[0].parameters).toMatchObject({ required: ['path', 'text'] });
    expect(fileTools[1].parameters).toMatchObject({ required: ['path'], properties: { limit: { maximum: 262144 } } });
    expect(fileTools[2].parameters).toMatchObject({ required: ['pattern'], properties: { maxResults: { maximum: 200 } } });
  });
});

describe('hostile paths', () => {
  // Each, if followed, would reach ../../../outside/secret.txt, the system, or a name that is not what it looks like.
  const hostile: Array<[string, string]> = [
    ['../x', 'parent folder'],
    ['a/../../x', 'climbs back out'],
    ['../../../outside/secret.txt', 'the real file outside'],
    ['a/../b', 'climbs within'],
    ['..', 'the parent itself'],
    ['a/..', 'trailing climb'],
    ['/etc/passwd', 'absolute'],
    ['/tmp', 'absolute folder'],
    ['C:\\x', 'drive letter'],
    ['C:x', 'drive-relative'],
    ['c:/windows/win.ini', 'drive with slashes'],
    ['\\\\srv\\share\\x', 'UNC'],
    ['//srv/x', 'UNC with slashes'],
    ['..\\x', 'backslash climb'],
    ['a\\..\\..\\x', 'backslash climb deeper'],
    ['a\u0000b', 'NUL byte'],
    ['secret.txt\u0000.png', 'NUL truncation'],
    ['a\nb', 'newline'],
    ['x'.repeat(256), 'segment over 255 bytes'],
    ['€'.repeat(86), 'segment over 255 bytes in UTF-8'],
    [`${'a/'.repeat(600)}x`, 'path over 1024 bytes'],
    ['~/x', 'home folder'],
    ['．．/x', 'fullwidth dots'],
    ['‥/x', 'two-dot leader'],
    ['a／..／x', 'fullwidth slashes'],
    ['invoice\u202Efdp.exe', 'bidi override'],
    ['notes.txt:hidden', 'alternate data stream'],
    ['CON', 'device name'],
    ['\uDC00oops', 'lone surrogate'],
  ];
  const notFiles = ['', '.', './', '//'];

  afterEach(async () => {
    expect(await readFile(join(outside, 'secret.txt'), 'utf8')).toBe('top secret');
    expect(await readdir(outside)).toEqual(['secret.txt']);
    expect((await readdir(base)).sort()).toEqual(['outside', 'root']);
    expect(await readdir(workspace).catch(() => [])).toEqual([]);
  });

  beforeEach(async () => {
    await mkdir(join(base, 'root'));
  });

  it.each([...hostile, ...notFiles.map((p): [string, string] => [p, 'not a file'])])('file_save refuses %j (%s)', async (path) => {
    const error = await appErrorOf(save({ path, text: 'owned' }));
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(Object.keys(error.extensions.fields as object)).toEqual(['path']);
  });

  it.each([...hostile, ...notFiles.map((p): [string, string] => [p, 'not a file'])])('file_read refuses %j (%s)', async (path) => {
    const error = await appErrorOf(read({ path }));
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(Object.keys(error.extensions.fields as object)).toEqual(['path']);
  });

  it.each(hostile)('file_search refuses the directory %j (%s)', async (directory) => {
    const error = await appErrorOf(search({ pattern: '*', directory }));
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(Object.keys(error.extensions.fields as object)).toEqual(['directory']);
  });

  it('reads a percent-encoded name literally, inside the workspace, without decoding it', async () => {
    await save({ path: '%2e%2e/x', text: 'literal' });
    expect(await readdir(workspace)).toEqual(['%2e%2e']);
    expect(await read({ path: '%2e%2e/x' })).toBe('literal');
    await rm(workspace, { recursive: true });
  });

  it('refuses a path that is not a string', async () => {
    const error = await appErrorOf(save({ path: 42, text: 'x' }));
    expect(error.extensions.fields).toEqual({ path: 'Invalid input: expected string, received number' });
  });
});

describe('symbolic links planted in the workspace', () => {
  beforeEach(async () => {
    await save({ path: 'real.txt', text: 'inside' });
    await symlink(join(outside, 'secret.txt'), join(workspace, 'leak.txt'));
    await symlink(outside, join(workspace, 'leakdir'));
    await symlink(join(workspace, 'real.txt'), join(workspace, 'alias.txt'));
  });

  it('file_read refuses links to a file or folder outside, and a link to a file inside', async () => {
    for (const [path, link] of [
      ['leak.txt', 'leak.txt'],
      ['leakdir/secret.txt', 'leakdir'],
      ['alias.txt', 'alias.txt'],
    ]) {
      const error = await appErrorOf(read({ path }));
      expect(error.extensions.fields).toEqual({ path: `"${link}" is a symbolic link; links are not followed in the workspace` });
    }
  });

  it('file_save refuses to write through them, leaving the targets untouched', async () => {
    await appErrorOf(save({ path: 'leak.txt', text: 'owned' }));
    await appErrorOf(save({ path: 'leakdir/planted.txt', text: 'owned' }));
    await appErrorOf(save({ path: 'alias.txt', text: 'owned' }));
    expect(await readFile(join(outside, 'secret.txt'), 'utf8')).toBe('top secret');
    expect(await readdir(outside)).toEqual(['secret.txt']);
    expect(await read({ path: 'real.txt' })).toBe('inside');
  });

  it('file_search neither lists them nor searches through them', async () => {
    expect((await search({ pattern: '*' })).files.map((f: { path: string }) => f.path)).toEqual(['real.txt']);
    expect((await search({ pattern: '*', contains: 'secret' })).files).toEqual([]);
    const error = await appErrorOf(search({ pattern: '*', directory: 'leakdir' }));
    expect(error.extensions.fields).toEqual({ directory: '"leakdir" is a symbolic link; links are not followed in the workspace' });
  });
});

describe('file_save', () => {
  it('creates a file and its folders, then replaces it', async () => {
    const first = await save({ path: 'reports/2024/summary.md', text: '# Summary\n' });
    expect(first.text).toBe('Created "reports/2024/summary.md" (10 bytes, text/markdown).');
    expect(first.file).toMatchObject({ path: 'reports/2024/summary.md', size: 10, mimeType: 'text/markdown' });
    expect(first.file.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(first.replacedSize).toBeNull();

    const second = await save({ path: './reports//2024/summary.md', text: '# Summary v2\n' });
    expect(second.text).toBe('Replaced "reports/2024/summary.md" (13 bytes, text/markdown).');
    expect(second.replacedSize).toBe(10);
    expect(await readFile(join(workspace, 'reports', '2024', 'summary.md'), 'utf8')).toBe('# Summary v2\n');
  });

  it('accepts exactly the size limit and refuses one byte more, leaving nothing', async () => {
    const limited = { ...context, limits: { maxSaveBytes: 16 } };
    await save({ path: 'ok.txt', text: 'x'.repeat(16) }, limited);
    const error = await appErrorOf(save({ path: 'big.txt', text: 'x'.repeat(17) }, limited));
    expect(error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(error.message).toBe('The file is too large: it goes over the file_save limit (16 bytes).');
    expect(await readdir(workspace)).toEqual(['ok.txt']);
  });

  it('counts the limit in decoded bytes', async () => {
    const limited = { ...context, limits: { maxSaveBytes: 4 } };
    await save({ path: 'four.bin', text: Buffer.from([1, 2, 3, 4]).toString('base64'), encoding: 'base64' }, limited);
    await appErrorOf(save({ path: 'euro.txt', text: '€€', encoding: 'utf8' }, limited));
  });

  it('keeps within the quota left, counting the file it replaces as freed', async () => {
    await save({ path: 'a.txt', text: '12345' });
    const tight = { ...context, quotaBytesLeft: 10 };
    await save({ path: 'a.txt', text: 'x'.repeat(15) }, tight);
    const error = await appErrorOf(save({ path: 'b.txt', text: 'x'.repeat(11) }, tight));
    expect(error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(error.message).toBe('The file is too large: it goes over your storage quota (10 bytes).');
    expect(await readdir(workspace)).toEqual(['a.txt']);
  });

  it('refuses to overwrite a folder or to treat a file as a folder', async () => {
    await save({ path: 'docs/a.txt', text: 'a' });
    expect((await appErrorOf(save({ path: 'docs', text: 'x' }))).extensions.fields).toEqual({ path: '"docs" is a folder, not a file' });
    expect((await appErrorOf(save({ path: 'docs/a.txt/b.txt', text: 'x' }))).extensions.fields).toEqual({
      path: '"docs/a.txt" is a file, not a folder',
    });
  });

  it('names arguments it does not know or misses', async () => {
    expect((await appErrorOf(save({ path: 'a.txt' }))).extensions.fields).toEqual({ text: 'is required' });
    expect((await appErrorOf(save({ path: 'a.txt', text: 'x', mode: 'append' }))).extensions.fields).toEqual({ mode: 'is not a parameter of this tool' });
    expect((await appErrorOf(fileSave(context, 'a.txt'))).extensions.fields).toHaveProperty('arguments');
  });
});

describe('encodings', () => {
  it('round-trips utf8, base64, latin1 and hex byte for byte', async () => {
    const text = 'Grüße, 世界 — 🎉\n';
    await save({ path: 'utf8.txt', text });
    expect(await read({ path: 'utf8.txt' })).toBe(text);
    expect(await readFile(join(workspace, 'utf8.txt'))).toEqual(Buffer.from(text, 'utf8'));

    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0xff, 0xfe]);
    await save({ path: 'pixel.png', text: png.toString('base64'), encoding: 'base64' });
    expect(await readFile(join(workspace, 'pixel.png'))).toEqual(png);
    expect(await read({ path: 'pixel.png', encoding: 'base64' })).toBe(png.toString('base64'));

    await save({ path: 'latin1.txt', text: 'café', encoding: 'latin1' });
    expect(await readFile(join(workspace, 'latin1.txt'))).toEqual(Buffer.from([0x63, 0x61, 0x66, 0xe9]));
    expect(await read({ path: 'latin1.txt', encoding: 'latin1' })).toBe('café');

    await save({ path: 'raw.bin', text: 'deadBEEF00', encoding: 'hex' });
    expect(await readFile(join(workspace, 'raw.bin'))).toEqual(Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00]));
    expect(await read({ path: 'raw.bin', encoding: 'HEX' })).toBe('deadbeef00');
  });

  it('accepts base64 wrapped over several lines', async () => {
    const bytes = Buffer.from('hello, wrapped world');
    const wrapped = bytes.toString('base64').replace(/(.{8})/g, '$1\n');
    await save({ path: 'w.txt', text: wrapped, encoding: 'base64' });
    expect(await read({ path: 'w.txt' })).toBe('hello, wrapped world');
  });

  it('refuses an encoding Node does not know, on save and on read', async () => {
    const onSave = await appErrorOf(save({ path: 'k.txt', text: 'nuqneH', encoding: 'klingon' }));
    expect(onSave.extensions.fields).toEqual({
      encoding: '"klingon" is not an encoding Node knows; use one of utf8, utf16le, latin1, ascii, base64, base64url, hex',
    });
    await save({ path: 'k.txt', text: 'nuqneH' });
    expect((await appErrorOf(read({ path: 'k.txt', encoding: 'klingon' }))).extensions.fields).toHaveProperty('encoding');
  });

  it.each([
    ['not base64!!', 'base64', 'is not valid base64'],
    ['abcde', 'base64', 'is not valid base64'],
    ['abc', 'hex', 'is not valid hex (pairs of 0-9, a-f)'],
    ['zz', 'hex', 'is not valid hex (pairs of 0-9, a-f)'],
    ['price: 5 €', 'latin1', 'has characters that latin1 cannot encode; use utf8'],
    ['naïve', 'ascii', 'has characters that ascii cannot encode; use utf8'],
    ['broken \uD83D pair', 'utf8', 'is not valid Unicode (lone surrogate)'],
  ])('refuses text %j that %s cannot hold exactly, writing nothing', async (text, encoding, why) => {
    expect((await appErrorOf(save({ path: 'x.bin', text, encoding }))).extensions.fields).toEqual({ text: why });
    expect(await readdir(workspace).catch(() => [])).toEqual([]);
  });
});

describe('file_read', () => {
  it('says a binary file is binary, with its size and type, instead of returning garbage', async () => {
    await save({ path: 'photo.png', text: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01]).toString('base64'), encoding: 'base64' });
    expect(await read({ path: 'photo.png' })).toBe(
      '"photo.png" is a binary file (image/png, 6 bytes); it cannot be shown as text. Call file_read with encoding "base64" to get its bytes.',
    );
  });

  it('treats invalid UTF-8 as binary even without NUL bytes', async () => {
    await save({ path: 'data.dat', text: 'c3 28 a0 a1 ff fe 41'.replace(/ /g, ''), encoding: 'hex' });
    expect(await read({ path: 'data.dat' })).toMatch(/^"data.dat" is a binary file \(application\/octet-stream, 7 bytes\)/);
  });

  it('does not mistake a character cut by the sniffing window for binary', async () => {
    const text = '€'.repeat(3000);
    await save({ path: 'euros.txt', text });
    expect(Buffer.byteLength(text)).toBeGreaterThan(8192);
    expect(await read({ path: 'euros.txt', limit: 262144 })).toBe(text);
  });

  it('reads long files in byte ranges and says where to continue', async () => {
    const text = Array.from({ length: 3000 }, (_, i) => `line ${i}`).join('\n');
    await save({ path: 'long.txt', text });
    const size = Buffer.byteLength(text);

    const first = await read({ path: 'long.txt', limit: 20000 });
    expect(first).toBe(`${text.slice(0, 20000)}\n\n[Showed bytes 0-20000 of ${size} of "long.txt"; call file_read with offset 20000 for the rest.]`);
    const last = await read({ path: 'long.txt', offset: 20000, limit: 20000 });
    expect(last).toBe(`${text.slice(20000)}\n\n[Showed bytes 20000-${size} of ${size} of "long.txt" (the end of the file).]`);
    expect((await read({ path: 'long.txt' })).startsWith(text.slice(0, 65536))).toBe(true);
  });

  it('never cuts a UTF-8 character in half and the pages join back into the file', async () => {
    const text = 'añ€𝄞'.repeat(50);
    await save({ path: 'mixed.txt', text });
    let offset = 0;
    let joined = '';
    for (let pages = 0; pages < 200; pages++) {
      const answer = await read({ path: 'mixed.txt', offset, limit: 7 });
      const [content, note] = answer.split('\n\n[Showed bytes ');
      joined += content;
      const next = /offset (\d+) for the rest/.exec(note);
      if (!next) break;
      offset = Number(next[1]);
    }
    expect(joined).toBe(text);
  });

  it('shows a whole character even when the limit is smaller than it', async () => {
    await save({ path: 'clef.txt', text: '𝄞𝄞' });
    expect(await read({ path: 'clef.txt', limit: 1 })).toBe('𝄞\n\n[Showed bytes 0-4 of 8 of "clef.txt"; call file_read with offset 4 for the rest.]');
    expect(await read({ path: 'clef.txt', offset: 4, limit: 2 })).toBe('𝄞\n\n[Showed bytes 4-8 of 8 of "clef.txt" (the end of the file).]');
  });

  it('starts at the next whole character when an offset falls inside one', async () => {
    await save({ path: 'e.txt', text: '€uro' });
    expect(await read({ path: 'e.txt', offset: 1 })).toBe('uro\n\n[Showed bytes 3-6 of 6 of "e.txt" (the end of the file).]');
  });

  it('sizes its answer to fit the tool result cap, whatever the encoding', async () => {
    const small = { ...context, limits: { maxResultBytes: 4096 } };
    const text = 'x'.repeat(10_000);
    await save({ path: 'big.txt', text });
    for (const encoding of ['utf8', 'base64', 'hex', 'latin1']) {
      const answer = await read({ path: 'big.txt', encoding, limit: 262144 }, small);
      expect(Buffer.byteLength(answer)).toBeLessThanOrEqual(4096);
      expect(answer).toMatch(/; call file_read with offset \d+ for the rest\.\]$/);
    }
  });

  it('refuses offsets past the end and limits over the cap', async () => {
    await save({ path: 'small.txt', text: 'tiny' });
    expect((await appErrorOf(read({ path: 'small.txt', offset: 4 }))).extensions.fields).toEqual({ offset: 'is at or past the end of "small.txt" (4 bytes)' });
    expect((await appErrorOf(read({ path: 'small.txt', limit: 262145 }))).extensions.fields).toHaveProperty('limit');
    expect((await appErrorOf(read({ path: 'small.txt', offset: -1 }))).extensions.fields).toHaveProperty('offset');
  });

  it('answers for empty files, missing files and folders', async () => {
    await save({ path: 'dir/empty.txt', text: '' });
    expect(await read({ path: 'dir/empty.txt' })).toBe('"dir/empty.txt" is empty (0 bytes).');
    const missing = await appErrorOf(read({ path: 'dir/missing.txt' }));
    expect([missing.code, missing.message]).toEqual(['NOT_FOUND', 'File "dir/missing.txt" not found.']);
    expect((await appErrorOf(read({ path: 'dir' }))).extensions.fields).toEqual({ path: '"dir" is a folder, not a file' });
  });

  it('reads utf16le text in whole units', async () => {
    await save({ path: 'wide.txt', text: 'hi there', encoding: 'utf16le' });
    expect(await read({ path: 'wide.txt', encoding: 'utf16le' })).toBe('hi there');
    expect(await read({ path: 'wide.txt', encoding: 'utf16le', limit: 5 })).toMatch(/^hi\n\n\[Showed bytes 0-4 of 16/);
    expect(await read({ path: 'wide.txt', encoding: 'utf16le', limit: 1 })).toMatch(/^h\n\n\[Showed bytes 0-2 of 16/);
    expect((await appErrorOf(read({ path: 'wide.txt', encoding: 'utf16le', offset: 1 }))).extensions.fields).toHaveProperty('offset');
  });
});

describe('file_search', () => {
  beforeEach(async () => {
    await save({ path: 'README.md', text: '# Project\nSee docs.\n' });
    await save({ path: 'notes.txt', text: 'Buy milk\nCall Alice about the Budget\n' });
    await save({ path: 'docs/intro.md', text: 'Intro\nThe budget is tight.\n' });
    await save({ path: 'docs/guide/setup.md', text: 'Install it.\n' });
    await save({ path: 'docs/guide/budget.png', text: Buffer.from([0x89, 0x50, 0x00, 0x62, 0x75, 0x64, 0x67, 0x65, 0x74]).toString('base64'), encoding: 'base64' });
    await save({ path: 'src/a.ts', text: 'export const budget = 1;\n' });
  });

  const paths = (answer: { files: Array<{ path: string }> }) => answer.files.map((f) => f.path);

  it('matches names at any depth with a pattern without "/"', async () => {
    expect(paths(await search({ pattern: '*.md' }))).toEqual(['README.md', 'docs/guide/setup.md', 'docs/intro.md']);
    expect(paths(await search({ pattern: '*.{ts,txt}' }))).toEqual(['notes.txt', 'src/a.ts']);
  });

  it('matches whole paths under a folder with a pattern with "/"', async () => {
    expect(paths(await search({ pattern: '**/*.md', directory: 'docs' }))).toEqual(['docs/guide/setup.md', 'docs/intro.md']);
    expect(paths(await search({ pattern: '*/*.md', directory: './docs/' }))).toEqual(['docs/guide/setup.md']);
    expect(paths(await search({ pattern: 'docs/*.md' }))).toEqual(['docs/intro.md']);
  });

  it('describes each file', async () => {
    const [file] = (await search({ pattern: 'a.ts' })).files;
    expect(file).toEqual({ path: 'src/a.ts', size: 25, mimeType: 'text/plain', modifiedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
  });

  it('finds text inside text files, case-insensitively, with the first matching line', async () => {
    const answer = await search({ pattern: '*', contains: 'BUDGET' });
    expect(answer.files.map((f: { path: string; line: number; text: string }) => [f.path, f.line, f.text])).toEqual([
      ['docs/intro.md', 2, 'The budget is tight.'],
      ['notes.txt', 2, 'Call Alice about the Budget'],
      ['src/a.ts', 1, 'export const budget = 1;'],
    ]);
    expect(paths(await search({ pattern: '*.md', contains: 'budget' }))).toEqual(['docs/intro.md']);
  });

  it('caps the results and says more exist', async () => {
    const answer = await search({ pattern: '*', maxResults: 2 });
    expect(paths(answer)).toEqual(['README.md', 'docs/guide/budget.png']);
    expect(answer.notes).toEqual(['more files match; only the first 2 are listed']);
    expect((await appErrorOf(search({ pattern: '*', maxResults: 201 }))).extensions.fields).toHaveProperty('maxResults');
  });

  it('stops adding files when the answer would pass the tool result cap', async () => {
    const answer = (await fileSearch({ ...context, limits: { maxResultBytes: 2048 + 300 } }, { pattern: '*' })).text;
    expect(Buffer.byteLength(answer)).toBeLessThanOrEqual(2048 + 300);
    const parsed = JSON.parse(answer);
    expect(parsed.files.length).toBeGreaterThan(0);
    expect(parsed.files.length).toBeLessThan(6);
    expect(parsed.notes).toEqual([`more files match; the answer holds only the first ${parsed.files.length}`]);
  });

  it('stops looking after its scan budget and says so', async () => {
    const answer = await search({ pattern: '*' }, { ...context, limits: { maxScanEntries: 3 } });
    expect(answer.files.length).toBeLessThanOrEqual(3);
    expect(answer.notes).toEqual(['stopped after looking at 3 entries; narrow the directory or pattern']);
  });

  it('skips files too large to search for text, and says so', async () => {
    const answer = await search({ pattern: '*', contains: 'budget' }, { ...context, limits: { containsMaxFileBytes: 30 } });
    expect(paths(answer)).toEqual(['docs/intro.md', 'src/a.ts']);
    expect(answer.notes).toEqual(['1 file(s) over 30 bytes were not searched for text']);
  });

  it('answers an empty list when nothing matches, and NOT_FOUND for a missing folder', async () => {
    expect(await search({ pattern: '*.pdf' })).toEqual({ files: [] });
    const error = await appErrorOf(search({ pattern: '*', directory: 'nope' }));
    expect([error.code, error.message]).toEqual(['NOT_FOUND', 'Folder "nope" not found.']);
    expect((await appErrorOf(search({ pattern: '*', directory: 'notes.txt' }))).extensions.fields).toEqual({ directory: '"notes.txt" is a file, not a folder' });
  });

  it('searches an empty workspace without error', async () => {
    expect(await search({ pattern: '*' }, { ...context, userId: 'fresh-user' })).toEqual({ files: [] });
  });
});
