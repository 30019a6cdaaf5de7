import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { LocalDiskStorage } from '../../../src/modules/files/local-disk-storage';
import { appErrorOf } from '../../support/app-error-of';

let base: string;
let root: string;
let outside: string;
let storage: LocalDiskStorage;
const user = 'user-1';
const files = () => join(root, user, 'files');
const limit = { maxBytes: 1024 };

beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), 'hub-storage-'));
  root = join(base, 'files-root');
  outside = join(base, 'outside');
  await mkdir(outside);
  await writeFile(join(outside, 'secret.txt'), 'top secret');
  storage = new LocalDiskStorage({ root });
});

afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

/** A stream of `size` bytes in 7-byte chunks, so a limit falls inside a chunk. */
function bytesStream(size: number, fill = 0x61): Readable {
  const chunks: Buffer[] = [];
  for (let left = size; left > 0; left -= 7) chunks.push(Buffer.alloc(Math.min(7, left), fill));
  return Readable.from(chunks);
}

const tmpEntries = () => readdir(join(root, user, 'tmp')).catch(() => []);

describe('writing', () => {
  it('streams a file into a private per-user folder and reports its size, sha256 and mime type', async () => {
    const data = Buffer.from('# Title\n\nSome text.\n');
    const written = await storage.writeStream(user, 'notes/readme.md', Readable.from([data.subarray(0, 5), data.subarray(5)]), limit);

    expect(written).toEqual({
      path: 'notes/readme.md',
      size: data.length,
      sha256: createHash('sha256').update(data).digest('hex'),
      mimeType: 'text/markdown',
    });
    expect(await readFile(join(files(), 'notes', 'readme.md'))).toEqual(data);
    expect((await stat(join(root, user))).mode & 0o777).toBe(0o700);
    expect((await stat(join(files(), 'notes'))).mode & 0o777).toBe(0o700);
    expect((await stat(join(files(), 'notes', 'readme.md'))).mode & 0o777).toBe(0o600);
    expect(await tmpEntries()).toEqual([]);
  });

  it('accepts a file of exactly the limit', async () => {
    const written = await storage.writeStream(user, 'exact.bin', bytesStream(1024), limit);
    expect(written.size).toBe(1024);
    expect((await stat(join(files(), 'exact.bin'))).size).toBe(1024);
  });

  it('refuses one byte over the limit with 413 and leaves nothing behind', async () => {
    const error = await appErrorOf(storage.writeStream(user, 'deep/new/over.bin', bytesStream(1025), { maxBytes: 1024, limitName: 'the 1 KB upload limit' }));
    expect(error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(error.httpStatus).toBe(413);
    expect(error.message).toBe('The file is too large: it goes over the 1 KB upload limit (1 KB).');
    expect(error.extensions).toEqual({ limitBytes: 1024 });
    expect(await storage.stat(user, 'deep/new/over.bin')).toBeNull();
    expect(await readdir(join(root, user))).toEqual(['tmp']);
    expect(await tmpEntries()).toEqual([]);
  });

  it('keeps the previous version whole when a replacement goes over the limit', async () => {
    await storage.writeBytes(user, 'doc.txt', Buffer.from('version 1'), limit);
    await appErrorOf(storage.writeStream(user, 'doc.txt', bytesStream(2000), limit));
    expect(await readFile(join(files(), 'doc.txt'), 'utf8')).toBe('version 1');
    expect(await tmpEntries()).toEqual([]);
  });

  it('leaves nothing behind when the incoming stream breaks half-way', async () => {
    async function* broken() {
      yield Buffer.from('first part ');
      throw new Error('connection reset by client');
    }
    await expect(storage.writeStream(user, 'broken.txt', broken(), limit)).rejects.toThrow('connection reset by client');
    expect(await storage.stat(user, 'broken.txt')).toBeNull();
    expect(await tmpEntries()).toEqual([]);
  });

  it('lets the caller check a whole written file before it is put in place, and refuse it leaving the old version', async () => {
    await storage.writeBytes(user, 'doc.txt', Buffer.from('version 1'), limit);
    const seen: Array<{ size: number; onDiskBefore: string; onDiskAfter?: string }> = [];
    const accepted = await storage.writeBytes(user, 'doc.txt', Buffer.from('version 2!'), {
      ...limit,
      publish: async (written, putInPlace) => {
        const entry: (typeof seen)[number] = { size: written.size, onDiskBefore: await readFile(join(files(), 'doc.txt'), 'utf8') };
        await putInPlace();
        entry.onDiskAfter = await readFile(join(files(), 'doc.txt'), 'utf8');
        seen.push(entry);
      },
    });
    expect(accepted.size).toBe(10);
    expect(seen).toEqual([{ size: 10, onDiskBefore: 'version 1', onDiskAfter: 'version 2!' }]);

    const refusal = new Error('over the quota by now');
    await expect(storage.writeBytes(user, 'doc.txt', Buffer.from('version 3'), { ...limit, publish: () => Promise.reject(refusal) })).rejects.toBe(refusal);
    await expect(storage.writeBytes(user, 'new/other.txt', Buffer.from('x'), { ...limit, publish: () => Promise.reject(refusal) })).rejects.toBe(refusal);
    expect(await readFile(join(files(), 'doc.txt'), 'utf8')).toBe('version 2!');
    expect(await storage.stat(user, 'new/other.txt')).toBeNull();
    expect(await tmpEntries()).toEqual([]);
  });

  it('replaces an existing file, or refuses to when asked not to overwrite', async () => {
    await storage.writeBytes(user, 'a.txt', Buffer.from('one'), limit);
    await storage.writeBytes(user, 'a.txt', Buffer.from('two'), limit);
    expect(await readFile(join(files(), 'a.txt'), 'utf8')).toBe('two');

    const error = await appErrorOf(storage.writeBytes(user, 'a.txt', Buffer.from('three'), { ...limit, overwrite: false }));
    expect(error.code).toBe('CONFLICT');
    expect(await readFile(join(files(), 'a.txt'), 'utf8')).toBe('two');
  });

  it('refuses to write over a folder or through a file', async () => {
    await storage.writeBytes(user, 'dir/inner.txt', Buffer.from('x'), limit);
    expect((await appErrorOf(storage.writeBytes(user, 'dir', Buffer.from('y'), limit))).extensions.fields).toEqual({ path: '"dir" is a folder, not a file' });
    expect((await appErrorOf(storage.writeBytes(user, 'dir/inner.txt/sub.txt', Buffer.from('y'), limit))).extensions.fields).toEqual({
      path: '"dir/inner.txt" is a file, not a folder',
    });
  });

  it('keeps users apart', async () => {
    await storage.writeBytes('user-a', 'same.txt', Buffer.from('from a'), limit);
    await storage.writeBytes('user-b', 'same.txt', Buffer.from('from b'), limit);
    expect((await storage.readBytes('user-a', 'same.txt', 0, 100)).bytes.toString()).toBe('from a');
    expect((await storage.readBytes('user-b', 'same.txt', 0, 100)).bytes.toString()).toBe('from b');
  });

  it('refuses user ids that could name another folder', async () => {
    for (const id of ['..', '../user-1', 'a/b', '', 'x'.repeat(129)]) {
      await expect(storage.writeBytes(id, 'x.txt', Buffer.from('x'), limit)).rejects.toThrow('invalid user id');
    }
    expect(await readdir(base)).toEqual(['outside']);
  });
});

describe('reading', () => {
  beforeEach(async () => {
    await storage.writeBytes(user, 'digits.txt', Buffer.from('0123456789'), limit);
  });

  it('streams the whole file, or an inclusive byte range of it', async () => {
    const whole = await storage.openRead(user, 'digits.txt');
    expect({ ...whole, stream: await text(whole.stream) }).toEqual({ stream: '0123456789', size: 10, start: 0, end: 9, mimeType: 'text/plain' });

    const middle = await storage.openRead(user, 'digits.txt', { start: 2, end: 5 });
    expect({ ...middle, stream: await text(middle.stream) }).toEqual({ stream: '2345', size: 10, start: 2, end: 5, mimeType: 'text/plain' });

    const tail = await storage.openRead(user, 'digits.txt', { start: 7 });
    expect(await text(tail.stream)).toBe('789');

    const clamped = await storage.openRead(user, 'digits.txt', { start: 8, end: 1000 });
    expect([clamped.end, await text(clamped.stream)]).toEqual([9, '89']);
  });

  it('refuses a range outside the file', async () => {
    for (const range of [{ start: 10 }, { start: 5, end: 4 }, { start: -1 }, { start: 1.5 }]) {
      const error = await appErrorOf(storage.openRead(user, 'digits.txt', range));
      expect(error.code).toBe('BAD_USER_INPUT');
      expect(error.extensions.fields).toHaveProperty('range');
    }
  });

  it('reads an empty file', async () => {
    await storage.writeBytes(user, 'empty.txt', Buffer.alloc(0), limit);
    const handle = await storage.openRead(user, 'empty.txt');
    expect([handle.size, await text(handle.stream)]).toEqual([0, '']);
  });

  it('reads bounded slices of bytes', async () => {
    expect((await storage.readBytes(user, 'digits.txt', 3, 4)).bytes.toString()).toBe('3456');
    expect((await storage.readBytes(user, 'digits.txt', 8, 100)).bytes.toString()).toBe('89');
    expect((await storage.readBytes(user, 'digits.txt', 50, 10)).bytes.length).toBe(0);
  });

  it('answers NOT_FOUND for a missing file, even in a folder that does not exist, and for a user with no files', async () => {
    for (const [who, path] of [
      [user, 'missing.txt'],
      [user, 'no/such/folder.txt'],
      ['user-without-files', 'digits.txt'],
    ]) {
      const error = await appErrorOf(storage.openRead(who, path));
      expect(error.code).toBe('NOT_FOUND');
      expect(error.message).toBe(`File "${path}" not found.`);
    }
  });

  it('stats files and folders, and answers null for nothing', async () => {
    await storage.writeBytes(user, 'dir/x.json', Buffer.from('{}'), limit);
    expect(await storage.stat(user, 'digits.txt')).toMatchObject({ path: 'digits.txt', kind: 'file', size: 10, mimeType: 'text/plain' });
    expect(await storage.stat(user, 'dir')).toMatchObject({ kind: 'directory' });
    expect(await storage.stat(user, 'nope/x')).toBeNull();
  });
});

describe('deleting and listing', () => {
  it('deletes files and says whether there was one', async () => {
    await storage.writeBytes(user, 'x.txt', Buffer.from('x'), limit);
    expect(await storage.delete(user, 'x.txt')).toBe(true);
    expect(await storage.delete(user, 'x.txt')).toBe(false);
    expect(await storage.delete(user, 'no/such.txt')).toBe(false);
  });

  it('lists files under a folder, bounded', async () => {
    await storage.writeBytes(user, 'a.txt', Buffer.alloc(3), limit);
    await storage.writeBytes(user, 'docs/b.md', Buffer.alloc(5), limit);
    await storage.writeBytes(user, 'docs/deep/c.md', Buffer.alloc(7), limit);

    const all = await storage.list(user, '', { maxEntries: 100 });
    expect(all.truncated).toBe(false);
    expect(all.files.map((f) => [f.path, f.size]).sort()).toEqual([
      ['a.txt', 3],
      ['docs/b.md', 5],
      ['docs/deep/c.md', 7],
    ]);
    const docs = await storage.list(user, './docs/', { maxEntries: 100 });
    expect(docs.files.map((f) => f.path).sort()).toEqual(['docs/b.md', 'docs/deep/c.md']);
    expect((await storage.list(user, '', { maxEntries: 2 })).truncated).toBe(true);
    expect((await storage.list(user, '', { maxEntries: 5 })).truncated).toBe(false);
    expect(await storage.list('user-without-files', '', { maxEntries: 10 })).toEqual({ files: [], truncated: false });
    expect((await appErrorOf(storage.list(user, 'nope', { maxEntries: 10 }))).code).toBe('NOT_FOUND');
    expect((await appErrorOf(storage.list(user, 'a.txt', { maxEntries: 10 }))).extensions.fields).toEqual({ directory: '"a.txt" is a file, not a folder' });
  });

  it('removes a whole workspace', async () => {
    await storage.writeBytes(user, 'docs/b.md', Buffer.alloc(5), limit);
    await storage.deleteUser(user);
    expect(await readdir(root)).toEqual([]);
  });
});

describe('symbolic links planted in the workspace', () => {
  beforeEach(async () => {
    await storage.writeBytes(user, 'real.txt', Buffer.from('inside'), limit);
    await symlink(join(outside, 'secret.txt'), join(files(), 'leak.txt'));
    await symlink(outside, join(files(), 'leakdir'));
    await symlink(join(files(), 'real.txt'), join(files(), 'alias.txt'));
  });

  const refusedAsLink = async (promise: Promise<unknown>, where: string, field = 'path') => {
    const error = await appErrorOf(promise);
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.extensions.fields).toEqual({ [field]: `"${where}" is a symbolic link; links are not followed in the workspace` });
  };

  it('never reads through a link to a file outside', async () => {
    await refusedAsLink(storage.openRead(user, 'leak.txt'), 'leak.txt');
    await refusedAsLink(storage.readBytes(user, 'leak.txt', 0, 100), 'leak.txt');
    await refusedAsLink(storage.stat(user, 'leak.txt'), 'leak.txt');
  });

  it('never writes through a link, leaving the target untouched', async () => {
    await refusedAsLink(storage.writeBytes(user, 'leak.txt', Buffer.from('owned'), limit), 'leak.txt');
    await refusedAsLink(storage.writeBytes(user, 'leakdir/planted.txt', Buffer.from('owned'), limit), 'leakdir');
    await refusedAsLink(storage.delete(user, 'leak.txt'), 'leak.txt');
    expect(await readFile(join(outside, 'secret.txt'), 'utf8')).toBe('top secret');
    expect(await readdir(outside)).toEqual(['secret.txt']);
  });

  it('never reads or lists through a link to a folder outside', async () => {
    await refusedAsLink(storage.openRead(user, 'leakdir/secret.txt'), 'leakdir');
    await refusedAsLink(storage.list(user, 'leakdir', { maxEntries: 10 }), 'leakdir', 'directory');
    const all = await storage.list(user, '', { maxEntries: 100 });
    expect(all.files.map((f) => f.path)).toEqual(['real.txt']);
  });

  it('refuses a link even when it points at a file inside the workspace', async () => {
    await refusedAsLink(storage.openRead(user, 'alias.txt'), 'alias.txt');
    expect((await storage.readBytes(user, 'real.txt', 0, 100)).bytes.toString()).toBe('inside');
  });
});
