// The workspace on local disk: <root>/<userId>/files/<workspace path>, with partial writes in
// <root>/<userId>/tmp/ until an atomic rename publishes them.
// Symbolic links are refused wherever they appear in a path, whether they lead in or out: nothing
// in the hub creates them, so one can only come from tampering. Every path component is checked
// with lstat, and files are opened with O_NOFOLLOW so a link swapped in after the check still fails.
import { createHash, randomUUID } from 'node:crypto';
import { constants as fsConstants, type Stats } from 'node:fs';
import { lstat, mkdir, open, opendir, rename, rm, unlink, type FileHandle } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { badInput, conflict, notFound } from '../../platform/errors';
import { mimeTypeFor } from './mime-type';
import {
  payloadTooLarge,
  type ByteRange,
  type FileStat,
  type FileStorage,
  type ListedFile,
  type Listing,
  type ListOptions,
  type ReadHandle,
  type WriteOptions,
  type WrittenFile,
} from './storage';
import { MAX_PATH_DEPTH, normalizeWorkspacePath } from './workspace-path';

const O_NOFOLLOW = fsConstants.O_NOFOLLOW ?? 0;
const USER_ID = /^[A-Za-z0-9_-]{1,128}$/;
const WRITE_BUFFER_BYTES = 1024 * 1024;
// Reads for downloads: fewer, larger socket writes than the 64 KB default (about twice the throughput).
const READ_CHUNK_BYTES = 1024 * 1024;

export interface LocalDiskStorageOptions {
  /** FILES_DIR: one folder per user is made under it on first write. */
  root: string;
}

interface Located {
  path: string;
  absolute: string;
  /** False when a folder on the way does not exist (so neither does the target). */
  parentExists: boolean;
}

export class LocalDiskStorage implements FileStorage {
  private readonly root: string;

  constructor(options: LocalDiskStorageOptions) {
    this.root = resolve(options.root);
  }

  async writeStream(
    userId: string,
    input: string,
    source: Readable | AsyncIterable<Uint8Array | string>,
    options: WriteOptions,
  ): Promise<WrittenFile> {
    const target = await this.locate(userId, input, 'path', false);
    await this.checkWritable(target, options);
    const temp = join(await this.ensureOwnDir(userId, 'tmp'), `${randomUUID()}.part`);
    const hash = createHash('sha256');
    let size = 0;
    const limitName = options.limitName ?? 'the file size limit';
    try {
      const handle = await open(temp, fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL | O_NOFOLLOW, 0o600);
      await pipeline(
        source,
        async function* meter(chunks: AsyncIterable<Uint8Array | string>) {
          for await (const chunk of chunks) {
            const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
            size += bytes.byteLength;
            if (size > options.maxBytes) throw payloadTooLarge(limitName, options.maxBytes);
            hash.update(bytes);
            yield bytes;
          }
        },
        // Up to 1 MB waits while a write is under way, then goes in one writev: disk writes stop pacing the upload.
        handle.createWriteStream({ highWaterMark: WRITE_BUFFER_BYTES }),
      );
      const written = { path: target.path, size, sha256: hash.digest('hex'), mimeType: mimeTypeFor(target.path) };
      const putInPlace = async () => {
        const published = await this.locate(userId, target.path, 'path', true);
        await this.checkWritable(published, options);
        await rename(temp, published.absolute);
      };
      await (options.publish ? options.publish(written, putInPlace) : putInPlace());
      return written;
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }

  writeBytes(userId: string, path: string, data: Uint8Array, options: WriteOptions): Promise<WrittenFile> {
    return this.writeStream(userId, path, (async function* once() { yield data; })(), options);
  }

  async openRead(userId: string, input: string, range?: ByteRange): Promise<ReadHandle> {
    const { path, handle, info } = await this.openFile(userId, input);
    const size = info.size;
    const start = range?.start ?? 0;
    const end = Math.min(range?.end ?? size - 1, size - 1);
    const wellFormed = Number.isSafeInteger(start) && start >= 0 && (range?.end === undefined || Number.isSafeInteger(range.end));
    const satisfiable = wellFormed && (size === 0 ? start === 0 && range?.end === undefined : start <= end);
    if (!satisfiable) {
      await handle.close();
      throw badInput({ range: `bytes ${start}-${range?.end ?? ''} are outside the file (${size} bytes)` });
    }
    const stream = size === 0 ? handle.createReadStream({ start: 0 }) : handle.createReadStream({ start, end, highWaterMark: READ_CHUNK_BYTES });
    return { stream, size, start, end, mimeType: mimeTypeFor(path) };
  }

  async readBytes(userId: string, input: string, start: number, length: number): Promise<{ bytes: Buffer; size: number; mimeType: string }> {
    if (!Number.isSafeInteger(start) || start < 0) throw badInput({ offset: 'must be a whole number of bytes, 0 or more' });
    const { path, handle, info } = await this.openFile(userId, input);
    try {
      const wanted = Math.max(0, Math.min(length, info.size - start));
      const bytes = Buffer.alloc(wanted);
      let filled = 0;
      while (filled < wanted) {
        const { bytesRead } = await handle.read(bytes, filled, wanted - filled, start + filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      return { bytes: bytes.subarray(0, filled), size: info.size, mimeType: mimeTypeFor(path) };
    } finally {
      await handle.close();
    }
  }

  async stat(userId: string, input: string): Promise<FileStat | null> {
    const target = await this.locate(userId, input, 'path', false);
    const info = target.parentExists ? await lstatOrNull(target.absolute) : null;
    if (!info) return null;
    if (info.isSymbolicLink()) throw symlinkRefused('path', target.path);
    if (!info.isFile() && !info.isDirectory()) return null;
    return {
      path: target.path,
      kind: info.isDirectory() ? 'directory' : 'file',
      size: info.isFile() ? info.size : 0,
      mimeType: mimeTypeFor(target.path),
      createdAt: info.birthtime,
      modifiedAt: info.mtime,
    };
  }

  async delete(userId: string, input: string): Promise<boolean> {
    const target = await this.locate(userId, input, 'path', false);
    const info = target.parentExists ? await lstatOrNull(target.absolute) : null;
    if (!info) return false;
    if (info.isSymbolicLink()) throw symlinkRefused('path', target.path);
    if (info.isDirectory()) throw badInput({ path: `"${target.path}" is a folder, not a file` });
    await unlink(target.absolute).catch(ignoreCode('ENOENT'));
    return true;
  }

  async list(userId: string, directory: string, options: ListOptions): Promise<Listing> {
    const base = await this.folder(userId, directory);
    const files: ListedFile[] = [];
    const budget = { left: options.maxEntries };
    if (base) for await (const file of walk(base.absolute, base.path, budget)) files.push(file);
    return { files, truncated: budget.left < 0 };
  }

  workspaceDir(userId: string): Promise<string> {
    return this.ensureOwnDir(userId, 'files');
  }

  async deleteUser(userId: string): Promise<void> {
    await rm(this.userDir(userId), { recursive: true, force: true });
  }

  private userDir(userId: string): string {
    // Ids come from the database, never from a request body; anything else is a bug, not input.
    if (!USER_ID.test(userId)) throw new Error('File storage was given an invalid user id.');
    return join(this.root, userId);
  }

  /** The user's files/ or tmp/ folder, made (0700) if missing; refuses to work through a link. */
  private async ensureOwnDir(userId: string, which: 'files' | 'tmp'): Promise<string> {
    const user = this.userDir(userId);
    await mkdir(this.root, { recursive: true, mode: 0o700 });
    for (const dir of [user, join(user, which)]) {
      await mkdir(dir, { mode: 0o700 }).catch(ignoreCode('EEXIST'));
      const info = await lstat(dir);
      if (!info.isDirectory()) throw new Error(`File storage folder ${dir} is not a plain folder.`);
    }
    return join(user, which);
  }

  /** The user's files/ folder when it exists; refuses to work through a link. */
  private async ownFilesDir(userId: string): Promise<string | null> {
    const user = this.userDir(userId);
    for (const dir of [user, join(user, 'files')]) {
      const info = await lstatOrNull(dir);
      if (!info) return null;
      if (!info.isDirectory()) throw new Error(`File storage folder ${dir} is not a plain folder.`);
    }
    return join(user, 'files');
  }

  /**
   * Validates the path and checks each folder on the way: a link or a file where a folder
   * should be is refused; with `create`, missing folders are made (0700).
   */
  private async locate(userId: string, input: unknown, field: string, create: boolean): Promise<Located> {
    const path = normalizeWorkspacePath(input, { field });
    const base = create ? await this.ensureOwnDir(userId, 'files') : await this.ownFilesDir(userId);
    if (!base) return { path, absolute: join(this.userDir(userId), 'files', path), parentExists: false };
    const segments = path.split('/');
    let current = base;
    for (let i = 0; i < segments.length - 1; i++) {
      current = join(current, segments[i]);
      const where = segments.slice(0, i + 1).join('/');
      let info = await lstatOrNull(current);
      if (!info && create) {
        await mkdir(current, { mode: 0o700 }).catch(ignoreCode('EEXIST'));
        info = await lstat(current);
      }
      if (!info) return { path, absolute: join(base, path), parentExists: false };
      if (info.isSymbolicLink()) throw symlinkRefused(field, where);
      if (!info.isDirectory()) throw badInput({ [field]: `"${where}" is a file, not a folder` });
    }
    return { path, absolute: join(base, path), parentExists: true };
  }

  private async checkWritable(target: Located, options: WriteOptions): Promise<void> {
    const existing = target.parentExists ? await lstatOrNull(target.absolute) : null;
    if (!existing) return;
    if (existing.isSymbolicLink()) throw symlinkRefused('path', target.path);
    if (!existing.isFile()) throw badInput({ path: `"${target.path}" is a folder, not a file` });
    if (options.overwrite === false) throw conflict(`A file already exists at "${target.path}".`, { path: 'already exists' });
  }

  /** A folder to walk: null when the workspace is empty; NOT_FOUND when a named folder is missing. */
  private async folder(userId: string, directory: string): Promise<{ path: string; absolute: string } | null> {
    const path = normalizeWorkspacePath(directory, { field: 'directory', allowRoot: true });
    if (path === '') {
      const base = await this.ownFilesDir(userId);
      return base ? { path, absolute: base } : null;
    }
    const target = await this.locate(userId, path, 'directory', false);
    const info = target.parentExists ? await lstatOrNull(target.absolute) : null;
    if (!info) throw notFound(`Folder "${path}"`);
    if (info.isSymbolicLink()) throw symlinkRefused('directory', path);
    if (!info.isDirectory()) throw badInput({ directory: `"${path}" is a file, not a folder` });
    return { path, absolute: target.absolute };
  }

  private async openFile(userId: string, input: string): Promise<{ path: string; handle: FileHandle; info: Stats }> {
    const target = await this.locate(userId, input, 'path', false);
    if (!target.parentExists) throw notFound(`File "${target.path}"`);
    let handle: FileHandle;
    try {
      handle = await open(target.absolute, fsConstants.O_RDONLY | O_NOFOLLOW);
    } catch (error) {
      if (hasCode(error, 'ENOENT')) throw notFound(`File "${target.path}"`);
      if (hasCode(error, 'ELOOP')) throw symlinkRefused('path', target.path);
      throw error;
    }
    const info = await handle.stat();
    if (!info.isFile()) {
      await handle.close();
      if (info.isDirectory()) throw badInput({ path: `"${target.path}" is a folder, not a file` });
      throw notFound(`File "${target.path}"`);
    }
    return { path: target.path, handle, info };
  }
}

/** Regular files under `absolute`, depth-first; links and special files are skipped, never followed. */
async function* walk(absolute: string, prefix: string, budget: { left: number }, depth = 0): AsyncGenerator<ListedFile> {
  if (depth >= MAX_PATH_DEPTH) return;
  // A folder deleted while the walk is under way simply has nothing in it.
  const dir = await opendir(absolute).catch((error: unknown) => {
    if (hasCode(error, 'ENOENT') || hasCode(error, 'ENOTDIR')) return null;
    throw error;
  });
  if (!dir) return;
  for await (const entry of dir) {
    if (--budget.left < 0) break;
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    const full = join(absolute, entry.name);
    if (entry.isDirectory()) {
      yield* walk(full, path, budget, depth + 1);
      if (budget.left < 0) break;
    } else if (entry.isFile()) {
      const info = await lstatOrNull(full);
      if (info?.isFile()) yield { path, size: info.size, modifiedAt: info.mtime };
    }
  }
}

const symlinkRefused = (field: string, where: string) =>
  badInput({ [field]: `"${where}" is a symbolic link; links are not followed in the workspace` });

async function lstatOrNull(path: string): Promise<Stats | null> {
  try {
    return await lstat(path);
  } catch (error) {
    if (hasCode(error, 'ENOENT') || hasCode(error, 'ENOTDIR')) return null;
    throw error;
  }
}

// Duck-typed: system errors can come from another realm (e.g. under jest), where instanceof Error fails.
const hasCode = (error: unknown, code: string): boolean =>
  typeof error === 'object' && error !== null && (error as NodeJS.ErrnoException).code === code;

const ignoreCode =
  (code: string) =>
  (error: unknown): void => {
    if (!hasCode(error, code)) throw error;
  };
