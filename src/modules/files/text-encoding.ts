// Text ↔ bytes for the file tools: strict where Node's Buffer is lenient (it silently drops bad
// base64, truncates latin1, replaces lone surrogates), so the model learns of its mistake.
import { badInput } from '../../platform/errors';

export const ENCODINGS = ['utf8', 'utf16le', 'latin1', 'ascii', 'base64', 'base64url', 'hex'] as const;

/** The Node BufferEncoding for a tool's `encoding` argument (utf8 when absent), or BAD_USER_INPUT. */
export function parseEncoding(value: string | undefined): BufferEncoding {
  if (value === undefined) return 'utf8';
  const name = value.trim().toLowerCase();
  if (!Buffer.isEncoding(name)) {
    throw badInput({ encoding: `"${value}" is not an encoding Node knows; use one of ${ENCODINGS.join(', ')}` });
  }
  return name;
}

export const isUtf8Family = (encoding: BufferEncoding): boolean => encoding === 'utf8' || encoding === 'utf-8';

/** Encodes `text`, refusing input that `encoding` cannot represent exactly. */
export function encodeStrict(text: string, encoding: BufferEncoding): Buffer {
  const refuse = (why: string) => badInput({ text: why });
  switch (encoding) {
    case 'base64':
    case 'base64url': {
      const compact = text.replace(/\s+/g, '');
      if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(compact) || compact.replace(/=+$/, '').length % 4 === 1) {
        throw refuse(`is not valid ${encoding}`);
      }
      return Buffer.from(compact, encoding);
    }
    case 'hex':
      if (!/^(?:[0-9a-fA-F]{2})*$/.test(text)) throw refuse('is not valid hex (pairs of 0-9, a-f)');
      return Buffer.from(text, 'hex');
    case 'latin1':
    case 'binary':
      if (/[^\u0000-\u00ff]/.test(text)) throw refuse(`has characters that ${encoding} cannot encode; use utf8`);
      return Buffer.from(text, encoding);
    case 'ascii':
      if (/[^\u0000-\u007f]/.test(text)) throw refuse('has characters that ascii cannot encode; use utf8');
      return Buffer.from(text, encoding);
    default:
      if (/\p{Cs}/u.test(text)) throw refuse('is not valid Unicode (lone surrogate)');
      return Buffer.from(text, encoding);
  }
}

/**
 * Whether a file's first bytes are not UTF-8 text: a NUL byte, or a byte sequence that is not
 * UTF-8 (a sequence cut by the end of the sample counts as text when more of the file follows).
 */
export function looksBinary(sample: Buffer, isWholeFile: boolean): boolean {
  if (sample.includes(0)) return true;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(sample, { stream: !isWholeFile });
    return false;
  } catch {
    return true;
  }
}

const isContinuation = (byte: number): boolean => (byte & 0xc0) === 0x80;

/** How many leading continuation bytes to skip so a read starting mid-character starts on the next one. */
export function utf8LeadingPartial(bytes: Buffer): number {
  let skip = 0;
  while (skip < Math.min(3, bytes.length) && isContinuation(bytes[skip])) skip++;
  return skip;
}

/** The length of `bytes` without a last character cut off by the end of the read. */
export function utf8CompleteLength(bytes: Buffer): number {
  for (let back = 1; back <= Math.min(4, bytes.length); back++) {
    const byte = bytes[bytes.length - back];
    if (isContinuation(byte)) continue;
    const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return needed > back ? bytes.length - back : bytes.length;
  }
  return bytes.length;
}

/** The byte length of the first character of `bytes` (at most what is there). */
export function utf8FirstCharLength(bytes: Buffer): number {
  if (bytes.length === 0) return 0;
  const byte = bytes[0];
  return Math.min(bytes.length, byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1);
}
