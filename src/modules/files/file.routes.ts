// Files over plain HTTP, beside GraphQL and with the same bearer token:
//   POST /files      multipart/form-data: optional fields `path` and `overwrite`, then one file part.
//                    The file goes to `path`; a `path` ending in "/" is a folder and keeps the part's
//                    filename; without `path`, the filename. Folders are made as needed. A file already
//                    at the path is replaced and keeps its id (201 new, 200 replaced), unless
//                    overwrite=false (409). Answers { file, created }.
//   GET /files/:id   the bytes, streamed, as an attachment; ETag (the sha256), single Range requests.
import { basename } from 'node:path';
import { pipeline } from 'node:stream/promises';
import cors from 'cors';
import type { Request, Router } from 'express';
import { badInput, unauthenticated } from '../../platform/errors';
import type { Context } from '../../platform/graphql/context';
import { requestIdOf, type RouteKit } from '../../platform/http/server';
import type { WorkspaceFile } from './file.entity';
import type { FileService } from './file.service';
import { discardRequestBody, receiveUpload } from './multipart-upload';
import type { ByteRange } from './storage';

const UPLOAD_FIELDS = ['path', 'overwrite'] as const;

export function fileRoutes(router: Router, kit: RouteKit, files: FileService, corsOrigins: string[]): void {
  router.use(
    '/files',
    cors({
      origin: corsOrigins.length ? corsOrigins : true,
      maxAge: 600,
      exposedHeaders: ['Content-Disposition', 'Content-Length', 'Content-Range', 'Accept-Ranges', 'ETag', 'Location', 'X-Request-Id'],
    }),
  );

  router.post('/files', async (req, res) => {
    try {
      const { userId, context } = await signedIn(kit, req);
      const { file, created } = await receiveUpload(req, UPLOAD_FIELDS, ({ fields, filename, content }) =>
        files.upload(context.em, userId, targetPath(fields.get('path'), filename), content, { overwrite: overwriteField(fields.get('overwrite')) }),
      );
      res.status(created ? 201 : 200).location(files.downloadUrl(file)).json({ file: fileJson(file, files), created });
    } catch (error) {
      discardRequestBody(req);
      throw error;
    }
  });

  router.get('/files/:id', async (req, res) => {
    const { userId, context } = await signedIn(kit, req);
    const file = await files.get(context.em, userId, req.params.id);
    const size = await files.sizeOnDisk(userId, file);
    const etag = `"${file.sha256}"`;
    const lastModified = file.updatedAt.toUTCString();
    res.set({ ETag: etag, 'Last-Modified': lastModified, 'Cache-Control': 'private, no-cache' });
    if (req.fresh) {
      res.status(304).end();
      return;
    }
    const range = requestedRange(req, size, etag, lastModified);
    if (range === 'unsatisfiable') {
      res
        .status(416)
        .set('Content-Range', `bytes */${size}`)
        .json({ error: { code: 'BAD_USER_INPUT', message: `The range is outside the file (${size} bytes).`, requestId: requestIdOf(req) } });
      return;
    }
    // Opened before the headers are set, so a failure is answered as JSON rather than as the file's type.
    const handle = req.method === 'HEAD' ? null : await files.openRead(userId, file, range ?? undefined);
    // setHeader, not set(): Express would add a charset to text types, a guess about bytes it has not read.
    res.attachment(basename(file.path)).setHeader('Content-Type', file.mimeType);
    res.set({
      'Accept-Ranges': 'bytes',
      // Served from the API's origin: never sniffed, never run, even when opened in place.
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': "default-src 'none'; sandbox",
    });
    if (range) res.status(206).set('Content-Range', `bytes ${range.start}-${range.end}/${size}`);
    res.set('Content-Length', String(range ? range.end - range.start + 1 : size));
    if (!handle) {
      res.end();
      return;
    }
    await pipeline(handle.stream, res).catch((error: unknown) => {
      // A client that stops reading is not a fault; anything else is, and the cut answer tells the client.
      if ((error as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') context.log.error({ err: error, fileId: file.id }, 'a download failed');
    });
  });
}

async function signedIn(kit: RouteKit, req: Request): Promise<{ userId: string; context: Context }> {
  const context = await kit.contextFor(req);
  if (!context.user) throw unauthenticated();
  return { userId: context.user.userId, context };
}

/** Where an upload goes: `path`, or `path` + the filename when `path` ends in "/", or the filename. */
function targetPath(path: string | undefined, filename: string): string {
  if (path && !path.endsWith('/')) return path;
  if (!filename) throw badInput({ path: 'is missing: send a path field, or a filename with the file part' });
  return `${path ?? ''}${filename}`;
}

function overwriteField(value: string | undefined): boolean {
  if (value === undefined || /^(true|1)$/i.test(value)) return true;
  if (/^(false|0)$/i.test(value)) return false;
  throw badInput({ overwrite: 'must be true or false' });
}

/**
 * The one byte range asked for: null for the whole file (no Range, a malformed one, several ranges, or
 * an If-Range that no longer matches), 'unsatisfiable' when it lies outside the file.
 */
function requestedRange(req: Request, size: number, etag: string, lastModified: string): Required<ByteRange> | 'unsatisfiable' | null {
  const ifRange = req.headers['if-range'];
  if (ifRange !== undefined && ifRange !== etag && ifRange !== lastModified) return null;
  // Parsed here rather than by range-parser, which calls a suffix longer than the file unsatisfiable (RFC 9110: the whole file).
  const match = /^bytes=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(req.headers.range ?? '');
  if (!match || (match[1] === '' && match[2] === '')) return null;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    return suffix === 0 || size === 0 ? 'unsatisfiable' : { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const first = Number(match[1]);
  const last = match[2] === '' ? Infinity : Number(match[2]);
  if (last < first) return null;
  if (first >= size) return 'unsatisfiable';
  return { start: first, end: Math.min(last, size - 1) };
}

/** A file as the upload answers it: the fields of GraphQL's File. */
function fileJson(file: WorkspaceFile, files: FileService) {
  const { id, path, size, mimeType, sha256, createdAt, updatedAt } = file;
  return { id, path, size, mimeType, sha256, createdAt, updatedAt, downloadUrl: files.downloadUrl(file) };
}
