// The rules of the workspace. Every write and delete goes to the disk and to the File rows, in the
// order that never leaves a row without its bytes: the disk first when writing, the row first when
// deleting. A user's usage (for the quota) is the sum of their rows' sizes. A user's writes and
// deletes are put in place one at a time (uploads still stream side by side), so two at once can
// neither pass the quota together nor leave a row that disagrees with the disk.
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { raw, type FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '../../platform/db/orm';
import { isId, newId } from '../../platform/db/ids';
import { notFound } from '../../platform/errors';
import { paginate, type Connection, type ForwardPageArgs } from '../../platform/graphql/connection';
import type { Logger } from '../../platform/logger';
import { WorkspaceFile } from './file.entity';
import { defaultFileToolLimits, fileRead, fileSave, fileSearch, type FileToolContext } from './file-tools';
import { payloadTooLarge, type ByteRange, type FileStorage, type ReadHandle, type WrittenFile } from './storage';
import { normalizeWorkspacePath } from './workspace-path';
import { formatBytes } from '../../platform/format';

export interface FileLimits {
  /** FILES_MAX_BYTES: the largest file one upload or write may hold. */
  maxBytes: number;
  /** FILES_QUOTA_BYTES: what one user's files may take together. */
  quotaBytes: number;
  /** TOOL_RESULT_MAX_BYTES: file_read and file_search answers are sized to fit. */
  toolResultMaxBytes: number;
}

export type FileToolName = 'file_save' | 'file_read' | 'file_search';

export interface Upload {
  file: WorkspaceFile;
  /** False when the upload replaced a file at the same path (which keeps its id). */
  created: boolean;
}

const pathKey = (path: string): string => createHash('sha256').update(path).digest('hex');

export class FileService {
  /** Each user's last queued write or delete (in this process); see oneAtATime. */
  private readonly writeQueues = new Map<string, Promise<void>>();

  constructor(
    private readonly storage: FileStorage,
    private readonly limits: FileLimits,
    private readonly logger: Logger,
  ) {}

  /** The user's files, newest first; `prefix` keeps those whose path starts with it, byte for byte. */
  list(em: EntityManager, userId: string, page: ForwardPageArgs, prefix?: string | null): Promise<Connection<WorkspaceFile>> {
    // Compared as hex: exact and case-sensitive on MySQL's collations and SQLite alike, with no LIKE wildcards to escape.
    const hexPrefix = prefix ? Buffer.from(prefix.normalize('NFC')).toString('hex').toUpperCase() : '';
    const where = (): FilterQuery<WorkspaceFile> => ({ userId, ...(hexPrefix ? { [raw('hex(path)')]: { $like: `${hexPrefix}%` } } : {}) });
    return paginate(em, WorkspaceFile, where, { createdAt: 'DESC', id: 'DESC' }, page);
  }

  /** null for a missing id and for another user's, alike. */
  async find(em: EntityManager, userId: string, id: string): Promise<WorkspaceFile | null> {
    return isId(id) ? em.findOne(WorkspaceFile, { id, userId }) : null;
  }

  async get(em: EntityManager, userId: string, id: string): Promise<WorkspaceFile> {
    const file = await this.find(em, userId, id);
    if (!file) throw notFound('File');
    return file;
  }

  /**
   * Streams an upload to `path`, within FILES_MAX_BYTES and the quota left; PAYLOAD_TOO_LARGE (nothing
   * kept) past either. An existing file is replaced and keeps its id, unless `overwrite` is false (CONFLICT).
   */
  async upload(em: EntityManager, userId: string, path: string, source: Readable | AsyncIterable<Uint8Array>, options: { overwrite: boolean }): Promise<Upload> {
    const canonical = normalizeWorkspacePath(path);
    const { maxBytes, limitName } = await this.writeLimit(em, userId, canonical);
    // Set by publish, which writeStream runs before it resolves.
    let upload!: Upload;
    await this.storage.writeStream(userId, canonical, source, {
      maxBytes,
      limitName,
      overwrite: options.overwrite,
      // The limit above was the room left when the upload began; uploads that finished since count too.
      publish: (written, putInPlace) =>
        this.oneAtATime(userId, async () => {
          const now = await this.writeLimit(em, userId, written.path);
          if (written.size > now.maxBytes) throw payloadTooLarge(now.limitName, now.maxBytes);
          await putInPlace();
          upload = { file: await this.record(em, userId, written), created: !now.replaces };
        }),
    });
    return upload;
  }

  /** Deletes the row, then the bytes (a failure in between leaves bytes without a row, never the reverse). */
  async delete(em: EntityManager, userId: string, id: string): Promise<void> {
    const file = await this.get(em, userId, id);
    await this.oneAtATime(userId, async () => {
      await em.remove(file).flush();
      await this.storage.delete(userId, file.path).catch((error: unknown) => {
        this.logger.warn({ err: error, userId, fileId: file.id }, 'a file row was deleted but its bytes could not be');
      });
    });
  }

  /** Bytes the user's files take, by their rows. */
  async usage(em: EntityManager, userId: string): Promise<number> {
    const row = await em
      .createQueryBuilder(WorkspaceFile)
      .select(raw('coalesce(sum(size), 0) as total'))
      .where({ userId })
      .execute<{ total: number | string } | undefined>('get');
    return Number(row?.total ?? 0);
  }

  /** The size of a file's bytes on disk now; NOT_FOUND when they are gone. */
  async sizeOnDisk(userId: string, file: WorkspaceFile): Promise<number> {
    const stat = await this.storage.stat(userId, file.path);
    if (stat?.kind !== 'file') {
      this.logger.warn({ userId, fileId: file.id }, 'a file row has no bytes on disk');
      throw notFound('File');
    }
    return stat.size;
  }

  openRead(userId: string, file: WorkspaceFile, range?: ByteRange): Promise<ReadHandle> {
    return this.storage.openRead(userId, file.path, range);
  }

  /** Relative to this server (PUBLIC_URL is the chat UI's address, which need not serve /files). */
  downloadUrl(file: WorkspaceFile): string {
    return `/files/${file.id}`;
  }

  /** The user's workspace folder on disk (made if missing): where their stdio MCP servers run. */
  workspaceDir(userId: string): Promise<string> {
    return this.storage.workspaceDir(userId);
  }

  /** Runs a built-in file tool for the agent: the text for the model; refusals are AppErrors. */
  async runTool(em: EntityManager, userId: string, name: FileToolName, args: unknown): Promise<string> {
    const context: FileToolContext = {
      storage: this.storage,
      userId,
      limits: { maxSaveBytes: Math.min(this.limits.maxBytes, defaultFileToolLimits.maxSaveBytes), maxResultBytes: this.limits.toolResultMaxBytes },
    };
    switch (name) {
      case 'file_save':
        return this.oneAtATime(userId, async () => {
          const quotaBytesLeft = this.limits.quotaBytes - (await this.usage(em, userId));
          const outcome = await fileSave({ ...context, quotaBytesLeft }, args);
          await this.record(em, userId, outcome.file);
          return outcome.text;
        });
      case 'file_read':
        return (await fileRead(context, args)).text;
      case 'file_search':
        return (await fileSearch(context, args)).text;
    }
  }

  /** For deleteMe, inside its transaction: the rows now, the folder once the transaction commits. */
  async deleteUserData(em: EntityManager, userId: string): Promise<void> {
    await em.nativeDelete(WorkspaceFile, { userId });
    const removeFolder = () =>
      this.storage.deleteUser(userId).catch((error: unknown) => {
        this.logger.error({ err: error, userId }, "could not remove a deleted user's workspace folder");
      });
    if (!em.getTransactionContext()) return removeFolder();
    // A transaction's entity manager has an event manager of its own, so this hears only this commit.
    em.getEventManager().registerSubscriber({ afterTransactionCommit: removeFolder });
  }

  /** What one write to `path` may hold now: the lower of FILES_MAX_BYTES and the quota left (counting the file it replaces as freed). */
  private async writeLimit(em: EntityManager, userId: string, path: string): Promise<{ maxBytes: number; limitName: string; replaces: boolean }> {
    // Refreshed: another request may have replaced the row since this one loaded it.
    const replaced = await em.findOne(WorkspaceFile, { userId, pathKey: pathKey(path) }, { refresh: true });
    const left = this.limits.quotaBytes - (await this.usage(em, userId)) + (replaced?.size ?? 0);
    const replaces = replaced !== null;
    if (left < this.limits.maxBytes) {
      return { maxBytes: Math.max(0, left), limitName: `the room left in your ${formatBytes(this.limits.quotaBytes)} storage quota`, replaces };
    }
    return { maxBytes: this.limits.maxBytes, limitName: 'the upload size limit', replaces };
  }

  /**
   * Runs `work` once the user's earlier writes and deletes are done. In this process only: instances
   * sharing FILES_DIR can each put one write in place at the same moment.
   */
  private oneAtATime<T>(userId: string, work: () => Promise<T>): Promise<T> {
    const result = (this.writeQueues.get(userId) ?? Promise.resolve()).then(work);
    const settled = result.then(
      () => undefined,
      () => undefined,
    );
    this.writeQueues.set(userId, settled);
    void settled.then(() => {
      if (this.writeQueues.get(userId) === settled) this.writeQueues.delete(userId);
    });
    return result;
  }

  /** The row of a file just written to disk: inserted, or updated in place (same id) when the path had one. */
  private record(em: EntityManager, userId: string, written: WrittenFile): Promise<WorkspaceFile> {
    const { path, size, sha256, mimeType } = written;
    const now = new Date();
    return em.upsert(
      WorkspaceFile,
      { id: newId(), userId, path, pathKey: pathKey(path), size, sha256, mimeType, createdAt: now, updatedAt: now },
      { onConflictFields: ['userId', 'pathKey'], onConflictAction: 'merge', onConflictExcludeFields: ['id', 'createdAt'] },
    );
  }
}
