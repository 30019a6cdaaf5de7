// The port for a user's workspace bytes. Paths are workspace paths (see workspace-path.ts);
// every adapter validates them again and never leaves the user's workspace.
import type { Readable } from 'node:stream';
import { AppError } from '../../platform/errors';
import { formatBytes } from '../../platform/format';

export interface WrittenFile {
  /** Canonical workspace path. */
  path: string;
  size: number;
  /** Hex SHA-256 of the bytes written. */
  sha256: string;
  mimeType: string;
}

export interface WriteOptions {
  /** The write fails with PAYLOAD_TOO_LARGE, leaving nothing behind, once it passes this many bytes. */
  maxBytes: number;
  /** Which limit maxBytes is, for the error, e.g. "the 25 MB upload limit". */
  limitName?: string;
  /** When false, an existing file is a CONFLICT instead of being replaced. Default true. */
  overwrite?: boolean;
  /**
   * Wraps the last step, which puts the whole written file in place: the caller can check what was
   * written (throwing discards it) and keep its records in step within the same step.
   */
  publish?: (written: WrittenFile, putInPlace: () => Promise<void>) => Promise<void>;
}

export interface FileStat {
  path: string;
  kind: 'file' | 'directory';
  size: number;
  mimeType: string;
  createdAt: Date;
  modifiedAt: Date;
}

/** Inclusive byte offsets, as in an HTTP Range header; `end` defaults to the last byte. */
export interface ByteRange {
  start: number;
  end?: number;
}

export interface ReadHandle {
  stream: Readable;
  /** Size of the whole file. */
  size: number;
  start: number;
  /** Inclusive; `start - 1` for an empty file. */
  end: number;
  mimeType: string;
}

export interface ListedFile {
  path: string;
  size: number;
  modifiedAt: Date;
}

export interface ListOptions {
  /** Stop after looking at this many entries (files and folders). */
  maxEntries: number;
}

export interface Listing {
  files: ListedFile[];
  /** True when maxEntries stopped the walk before it saw everything. */
  truncated: boolean;
}

export interface FileStorage {
  writeStream(userId: string, path: string, source: Readable | AsyncIterable<Uint8Array | string>, options: WriteOptions): Promise<WrittenFile>;
  writeBytes(userId: string, path: string, data: Uint8Array, options: WriteOptions): Promise<WrittenFile>;
  /** NOT_FOUND when there is no such file. */
  openRead(userId: string, path: string, range?: ByteRange): Promise<ReadHandle>;
  /** Up to `length` bytes from `start` (fewer at the end of the file); NOT_FOUND when missing. */
  readBytes(userId: string, path: string, start: number, length: number): Promise<{ bytes: Buffer; size: number; mimeType: string }>;
  /** null when nothing is there. */
  stat(userId: string, path: string): Promise<FileStat | null>;
  /** Deletes a file; false when there was none. */
  delete(userId: string, path: string): Promise<boolean>;
  /** Regular files under `directory` (`` for the whole workspace), in no set order. */
  list(userId: string, directory: string, options: ListOptions): Promise<Listing>;
  /** The user's workspace folder on disk, made if missing: where their stdio MCP servers run. */
  workspaceDir(userId: string): Promise<string>;
  /** Removes the user's whole workspace. */
  deleteUser(userId: string): Promise<void>;
}

export const payloadTooLarge = (limitName: string, maxBytes: number) =>
  new AppError('PAYLOAD_TOO_LARGE', `The file is too large: it goes over ${limitName} (${formatBytes(maxBytes)}).`, {
    limitBytes: maxBytes,
  });
