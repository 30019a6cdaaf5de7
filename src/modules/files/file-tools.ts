// The built-in file tools (file_save, file_read, file_search) over a user's workspace storage.
// Each returns the text handed back to the model; file_save also returns what it wrote so the
// caller can keep the File records in step. Offsets and limits in file_read count bytes (exact
// for every encoding and stable across calls); utf8 reads are widened or trimmed to whole characters.
import { z } from 'zod';
import { badInput } from '../../platform/errors';
import { defineTool, parseToolArguments, type ToolDefinition } from '../tools/tool-definition';
import { compileGlob, MAX_PATTERN_LENGTH } from './glob';
import { mimeTypeFor } from './mime-type';
import { payloadTooLarge, type FileStorage, type WrittenFile } from './storage';
import {
  encodeStrict,
  ENCODINGS,
  isUtf8Family,
  looksBinary,
  parseEncoding,
  utf8CompleteLength,
  utf8FirstCharLength,
  utf8LeadingPartial,
} from './text-encoding';
import { normalizeWorkspacePath } from './workspace-path';
import { formatBytes } from '../../platform/format';

export const READ_LIMIT_MAX = 256 * 1024;
export const SEARCH_RESULTS_MAX = 200;
const CONTAINS_MAX_LENGTH = 500;
const SNIFF_BYTES = 8 * 1024;
const MATCH_LINE_CHARS = 200;
const TWO_BYTE_ENCODINGS = new Set<BufferEncoding>(['utf16le', 'utf-16le', 'ucs2', 'ucs-2']);

export interface FileToolLimits {
  /** Largest file file_save writes (decoded bytes). */
  maxSaveBytes: number;
  /** Bytes file_read returns when no limit is given. */
  defaultReadBytes: number;
  /** Results file_search returns when no maxResults is given. */
  defaultSearchResults: number;
  /** Entries (files and folders) one file_search looks at before it stops. */
  maxScanEntries: number;
  /** Files larger than this are not searched for `contains`. */
  containsMaxFileBytes: number;
  /** Bytes one file_search reads for `contains` before it stops. */
  containsMaxTotalBytes: number;
  /** TOOL_RESULT_MAX_BYTES: answers are sized to fit, so the caller's cap never cuts a note or the JSON. */
  maxResultBytes: number;
}

export const defaultFileToolLimits: FileToolLimits = {
  maxSaveBytes: 5 * 1024 * 1024,
  defaultReadBytes: 64 * 1024,
  defaultSearchResults: 50,
  maxScanEntries: 10_000,
  containsMaxFileBytes: 1024 * 1024,
  containsMaxTotalBytes: 32 * 1024 * 1024,
  maxResultBytes: 100 * 1024,
};

// Room left in an answer for file_read's closing note or file_search's notes.
const NOTE_ROOM_BYTES = 2048;

/** The most UTF-8 bytes one byte of the file can become in the answer, per encoding (1 for the rest). */
const answerBytesPerFileByte: Partial<Record<BufferEncoding, number>> = {
  base64: 4 / 3,
  base64url: 4 / 3,
  hex: 2,
  latin1: 2,
  binary: 2,
  utf16le: 1.5,
  'utf-16le': 1.5,
  ucs2: 1.5,
  'ucs-2': 1.5,
};

export interface FileToolContext {
  storage: FileStorage;
  userId: string;
  /** Bytes the user may still add under their quota (before this call); no quota when absent. */
  quotaBytesLeft?: number;
  limits?: Partial<FileToolLimits>;
}

const encodingField = z
  .string()
  .max(32)
  .optional()
  .describe(`How text maps to bytes: a Node.js encoding, default "utf8". Use "base64" for binary files. Known: ${ENCODINGS.join(', ')}.`);

const pathField = z
  .string()
  .describe('Path inside the workspace, relative, with "/" between folders, e.g. "reports/2024/summary.md".');

const fileSaveArgs = z.strictObject({
  path: pathField,
  text: z.string().describe('The whole new content of the file, in the given encoding. Replaces the file if it exists.'),
  encoding: encodingField,
});

const fileReadArgs = z.strictObject({
  path: pathField,
  encoding: encodingField,
  offset: z.number().int().min(0).optional().describe('Byte offset to start reading at, default 0.'),
  limit: z
    .number()
    .int()
    .min(1)
    .max(READ_LIMIT_MAX)
    .optional()
    .describe('Most bytes to read, default 65536; an answer may hold fewer and then says where to continue.'),
});

const fileSearchArgs = z.strictObject({
  pattern: z
    .string()
    .min(1)
    .max(MAX_PATTERN_LENGTH)
    .describe(
      'Glob, case-insensitive: * ? [abc] {a,b} and ** for any folders. Without "/" it matches file names at any depth ("*.md"); with "/" the path under directory ("docs/**/*.md"). "*" lists everything.',
    ),
  directory: z.string().optional().describe('Folder to search in, default the whole workspace.'),
  contains: z.string().min(1).max(CONTAINS_MAX_LENGTH).optional().describe('Only text files with a line containing this text (case-insensitive).'),
  maxResults: z.number().int().min(1).max(SEARCH_RESULTS_MAX).optional().describe('Most files to return, default 50.'),
});

export const fileSaveTool: ToolDefinition = defineTool(
  'file_save',
  "Create or replace a file in the user's workspace (files the user uploaded live there too).",
  fileSaveArgs,
);

export const fileReadTool: ToolDefinition = defineTool(
  'file_read',
  "Read a file from the user's workspace. Long files come in parts: the answer says which bytes it showed and the offset to continue from. Binary files must be read with encoding base64.",
  fileReadArgs,
);

export const fileSearchTool: ToolDefinition = defineTool(
  'file_search',
  "Find files in the user's workspace by name (glob), optionally only those whose text contains a string. Answers JSON: the files with their size and, with contains, the first matching line.",
  fileSearchArgs,
);

export const fileTools: ToolDefinition[] = [fileSaveTool, fileReadTool, fileSearchTool];

export interface FileSaveOutcome {
  text: string;
  file: WrittenFile;
  /** Size of the file this write replaced, null when it is new. */
  replacedSize: number | null;
}

export async function fileSave(context: FileToolContext, rawArgs: unknown): Promise<FileSaveOutcome> {
  const args = parseToolArguments(fileSaveArgs, rawArgs);
  const limits = { ...defaultFileToolLimits, ...context.limits };
  const encoding = parseEncoding(args.encoding);
  // Every encoding turns 2 characters into at least 1 byte: refuse before decoding a huge string.
  if (args.text.length > 2 * limits.maxSaveBytes) throw payloadTooLarge('the file_save limit', limits.maxSaveBytes);
  const bytes = encodeStrict(args.text, encoding);
  const existing = await context.storage.stat(context.userId, args.path);
  if (existing?.kind === 'directory') throw badInput({ path: `"${existing.path}" is a folder, not a file` });
  const replacedSize = existing ? existing.size : null;
  const quotaRoom = context.quotaBytesLeft === undefined ? Infinity : context.quotaBytesLeft + (replacedSize ?? 0);
  const [maxBytes, limitName] =
    quotaRoom < limits.maxSaveBytes ? [Math.max(0, quotaRoom), 'your storage quota'] : [limits.maxSaveBytes, 'the file_save limit'];
  if (bytes.byteLength > maxBytes) throw payloadTooLarge(limitName, maxBytes);
  const file = await context.storage.writeBytes(context.userId, args.path, bytes, { maxBytes, limitName });
  const verb = replacedSize === null ? 'Created' : 'Replaced';
  return { text: `${verb} "${file.path}" (${describeSize(file.size)}, ${file.mimeType}).`, file, replacedSize };
}

export async function fileRead(context: FileToolContext, rawArgs: unknown): Promise<{ text: string }> {
  const args = parseToolArguments(fileReadArgs, rawArgs);
  const limits = { ...defaultFileToolLimits, ...context.limits };
  const encoding = parseEncoding(args.encoding);
  const path = normalizeWorkspacePath(args.path);
  const offset = args.offset ?? 0;
  const fits = Math.floor((limits.maxResultBytes - NOTE_ROOM_BYTES) / (answerBytesPerFileByte[encoding] ?? 1));
  const limit = Math.max(1, Math.min(args.limit ?? limits.defaultReadBytes, READ_LIMIT_MAX, fits));
  const sample = await context.storage.readBytes(context.userId, path, 0, SNIFF_BYTES);
  const { size, mimeType } = sample;
  if (size === 0) return { text: `"${path}" is empty (0 bytes).` };
  if (isUtf8Family(encoding) && looksBinary(sample.bytes, size <= SNIFF_BYTES)) {
    return {
      text: `"${path}" is a binary file (${mimeType}, ${describeSize(size)}); it cannot be shown as text. Call file_read with encoding "base64" to get its bytes.`,
    };
  }
  if (offset >= size) throw badInput({ offset: `is at or past the end of "${path}" (${size} bytes)` });
  const twoByte = TWO_BYTE_ENCODINGS.has(encoding);
  if (twoByte && offset % 2 === 1) throw badInput({ offset: `must be even for ${encoding} (2 bytes per character unit)` });
  // Three bytes past the limit leave room to finish a character the limit cuts, when no whole one fits.
  const { bytes } = await context.storage.readBytes(context.userId, path, offset, limit + 3);
  let start = offset;
  let chunk = bytes.subarray(0, limit);
  if (isUtf8Family(encoding)) {
    const skip = utf8LeadingPartial(bytes);
    start += skip;
    const rest = bytes.subarray(skip);
    chunk = rest.subarray(0, Math.max(0, limit - skip));
    if (start + chunk.length < size) chunk = chunk.subarray(0, utf8CompleteLength(chunk));
    if (chunk.length === 0) chunk = rest.subarray(0, utf8FirstCharLength(rest));
  } else if (twoByte) {
    chunk = bytes.subarray(0, Math.max(2, limit - (limit % 2)));
  }
  const end = start + chunk.length;
  const content = chunk.toString(encoding);
  if (start === 0 && end === size) return { text: content };
  const where = `Showed bytes ${start}-${end} of ${size} of "${path}"`;
  const next = end < size ? `; call file_read with offset ${end} for the rest.` : ' (the end of the file).';
  return { text: `${content}\n\n[${where}${next}]` };
}

interface SearchHit {
  path: string;
  size: number;
  mimeType: string;
  modifiedAt: string;
  line?: number;
  text?: string;
}

export async function fileSearch(context: FileToolContext, rawArgs: unknown): Promise<{ text: string }> {
  const args = parseToolArguments(fileSearchArgs, rawArgs);
  const limits = { ...defaultFileToolLimits, ...context.limits };
  const maxResults = Math.min(args.maxResults ?? limits.defaultSearchResults, SEARCH_RESULTS_MAX);
  const matches = compileGlob(args.pattern);
  const directory = normalizeWorkspacePath(args.directory ?? '', { field: 'directory', allowRoot: true });
  const prefix = directory === '' ? '' : `${directory}/`;
  const listing = await context.storage.list(context.userId, directory, { maxEntries: limits.maxScanEntries });
  const candidates = listing.files
    .filter((file) => matches(file.path.slice(prefix.length)))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

  const results: SearchHit[] = [];
  const notes: string[] = [];
  if (listing.truncated) notes.push(`stopped after looking at ${limits.maxScanEntries} entries; narrow the directory or pattern`);
  const needle = args.contains?.toLowerCase();
  let bytesLeft = limits.containsMaxTotalBytes;
  let answerRoom = limits.maxResultBytes - NOTE_ROOM_BYTES;
  let tooLarge = 0;
  for (const file of candidates) {
    if (results.length === maxResults) {
      notes.push(`more files match; only the first ${maxResults} are listed`);
      break;
    }
    const hit: SearchHit = { path: file.path, size: file.size, mimeType: mimeTypeFor(file.path), modifiedAt: file.modifiedAt.toISOString() };
    if (needle !== undefined) {
      if (file.size > limits.containsMaxFileBytes) {
        tooLarge++;
        continue;
      }
      if (file.size > bytesLeft) {
        notes.push(`stopped reading contents after ${formatBytes(limits.containsMaxTotalBytes)}`);
        break;
      }
      bytesLeft -= file.size;
      const found = await findInFile(context, file.path, needle, limits.containsMaxFileBytes);
      if (!found) continue;
      Object.assign(hit, found);
    }
    answerRoom -= Buffer.byteLength(JSON.stringify(hit)) + 1;
    if (answerRoom < 0) {
      notes.push(`more files match; the answer holds only the first ${results.length}`);
      break;
    }
    results.push(hit);
  }
  if (tooLarge > 0) notes.push(`${tooLarge} file(s) over ${formatBytes(limits.containsMaxFileBytes)} were not searched for text`);
  return { text: JSON.stringify({ files: results, ...(notes.length > 0 ? { notes } : {}) }) };
}

/** The first line of a text file holding `needle` (already lower-case); null for binary files and misses. */
async function findInFile(
  context: FileToolContext,
  path: string,
  needle: string,
  maxBytes: number,
): Promise<{ line: number; text: string } | null> {
  const { bytes } = await context.storage.readBytes(context.userId, path, 0, maxBytes);
  if (looksBinary(bytes.subarray(0, SNIFF_BYTES), bytes.length <= SNIFF_BYTES)) return null;
  const lines = bytes.toString('utf8').split('\n');
  const index = lines.findIndex((line) => line.toLowerCase().includes(needle));
  if (index < 0) return null;
  const line = lines[index].trim();
  return { line: index + 1, text: line.length > MATCH_LINE_CHARS ? `${line.slice(0, MATCH_LINE_CHARS)}…` : line };
}

const describeSize = (bytes: number): string => (bytes < 1024 ? `${bytes} bytes` : `${formatBytes(bytes)}, ${bytes} bytes`);
