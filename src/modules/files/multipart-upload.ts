// Reads a multipart/form-data upload as a stream: a few small fields, then one file part, handed on
// as it arrives (never held whole). The file part's stream ends only once the whole body has been
// parsed and found valid, so a writer that commits at the end of the stream never keeps a file from
// a request that turns out broken (a second file, a field after the file, a truncated body).
import type { IncomingMessage } from 'node:http';
import busboy, { type Busboy } from 'busboy';
import { AppError, badInput, isAppError } from '../../platform/errors';

export interface UploadPart {
  /** The form fields sent before the file part. */
  fields: ReadonlyMap<string, string>;
  /** The file part's filename as the client sent it (a base name), '' when it gave none. */
  filename: string;
  content: AsyncIterable<Buffer>;
}

const LIMITS = { fields: 8, fieldNameSize: 100, fieldSize: 4096, files: 1, parts: 10, headerPairs: 20 };
// What is read and thrown away after an early answer (e.g. 413), so the client gets to read it; past it the socket is closed.
const MAX_DRAIN_BYTES = 64 * 1024 * 1024;

const malformed = (error: unknown) =>
  isAppError(error) ? error : badInput({ body: `is not a complete multipart/form-data body (${error instanceof Error ? error.message : String(error)})` });

/**
 * Parses the request and calls `store` with the one file part, resolving to what it returns.
 * Accepts only the named fields, each before the file. On failure the parser lets go of the request;
 * the caller answers and calls discardRequestBody().
 */
export async function receiveUpload<T>(req: IncomingMessage, fieldNames: readonly string[], store: (part: UploadPart) => Promise<T>): Promise<T> {
  let parser: Busboy;
  try {
    // Browsers send UTF-8 file names; busboy would read them as latin1 by default.
    parser = busboy({ headers: req.headers, defParamCharset: 'utf8', limits: LIMITS });
  } catch {
    throw badInput({ body: 'must be multipart/form-data, with the file as a part' });
  }
  const fields = new Map<string, string>();
  let fileSeen = false;
  // A rule the rest of the body breaks after the file part has begun: the file part then fails at its end.
  let lateProblem: AppError | null = null;
  const parsed = new Promise<void>((resolve, reject) => {
    parser.once('close', resolve);
    parser.once('error', (error) => reject(malformed(error)));
  });
  parsed.catch(() => undefined);

  const result = new Promise<T>((resolve, reject) => {
    let failed = false;
    // The store of the file part, once begun: a failure is answered only after it has let go of its temp file.
    let storing: Promise<T> | null = null;
    const fail = (error: AppError) => {
      failed = true;
      if (storing) storing.then(() => reject(error), () => reject(error));
      else reject(error);
    };
    parser.on('field', (name, value, info) => {
      if (failed) return;
      if (fileSeen) lateProblem ??= badInput({ [name]: 'must come before the file part' });
      else if (!fieldNames.includes(name)) fail(badInput({ [name]: `is not a field of this upload (send ${fieldNames.join(', ')}, then the file)` }));
      else if (info.valueTruncated) fail(badInput({ [name]: `is longer than ${LIMITS.fieldSize} bytes` }));
      else fields.set(name, value);
    });
    parser.on('file', (_name, stream, info) => {
      fileSeen = true;
      // A broken body fails through the parser's 'error' (and a reader of the part sees it too); unheard
      // here, the part's copy of it would be an uncaught exception when nobody reads the part yet or ever.
      stream.on('error', () => undefined);
      if (failed) {
        stream.resume();
        return;
      }
      const content = (async function* () {
        try {
          for await (const chunk of stream) yield chunk as Buffer;
          await parsed;
        } catch (error) {
          throw malformed(error);
        }
        if (lateProblem) throw lateProblem;
      })();
      // Called inside a promise: a `store` that throws before it returns one (a bad field) is a refusal, not an uncaught exception.
      storing = new Promise<T>((settle) => settle(store({ fields, filename: info.filename ?? '', content })));
      storing.then(resolve, reject);
    });
    parser.on('filesLimit', () => (lateProblem ??= badInput({ file: 'send one file per request' })));
    parser.on('fieldsLimit', () => (lateProblem ??= badInput({ body: `has more than ${LIMITS.fields} fields` })));
    parser.on('partsLimit', () => (lateProblem ??= badInput({ body: `has more than ${LIMITS.parts} parts` })));
    parser.on('close', () => {
      if (!fileSeen) fail(lateProblem ?? badInput({ file: 'is missing: send the file as a multipart part with a filename' }));
    });
    parser.on('error', (error) => fail(malformed(error)));
  });

  req.once('close', () => {
    if (!req.complete) parser.destroy(new Error('the request ended before its body did'));
  });
  req.pipe(parser);
  try {
    return await result;
  } catch (error) {
    req.unpipe(parser);
    parser.destroy();
    throw error;
  }
}

/** Reads and drops what is left of a request answered early, so the client reads the answer; cuts off one that sends on and on. */
export function discardRequestBody(req: IncomingMessage): void {
  if (req.complete || req.destroyed) return;
  let drained = 0;
  req.on('data', (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > MAX_DRAIN_BYTES) req.socket.destroy();
  });
  req.resume();
}
