// pino: JSON in production, readable in development; secrets redacted wherever they appear.
import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

const SECRET_KEY = /^(authorization|cookie|set-cookie|password|newpassword|currentpassword|passwordhash|apikey|api_key|env|headers|secret|secrets|.*token|jwtsecret|secretskey|smtpurl)$/i;
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/g;
const MAX_DEPTH = 8;

/** A copy of `value` with every secret-looking key masked, at any depth, and bearer tokens cut out of strings. */
export function redact(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return value.replace(BEARER, '$1 [redacted]');
  if (value === null || typeof value !== 'object') return value;
  // Deeper than this is not looked into, so it is not written either.
  if (depth > MAX_DEPTH) return '[too deep]';
  if (value instanceof Error) return redactError(value, depth, seen);
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1, seen));
  if (value instanceof Date || Buffer.isBuffer(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = SECRET_KEY.test(key) && v !== null && v !== undefined ? '[redacted]' : redact(v, depth + 1, seen);
  }
  return out;
}

function redactError(error: Error, depth: number, seen: WeakSet<object>): Record<string, unknown> {
  const serialized = pino.stdSerializers.err(error) as unknown as Record<string, unknown>;
  return redact(serialized, depth + 1, seen) as Record<string, unknown>;
}

export function createLogger(options: { level: string; pretty: boolean; buffered?: boolean; destination?: DestinationStream }): Logger {
  const pretty = options.pretty && !options.destination;
  return pino(
    {
      level: options.level,
      base: undefined,
      formatters: { log: (object) => redact(object) as Record<string, unknown> },
      serializers: { err: (e: Error) => redactError(e, 0, new WeakSet()) },
      ...(pretty ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } } } : {}),
    },
    // Buffered writes (the server process's): a synchronous write per line costs each request a syscall.
    options.destination ?? (options.buffered && !pretty ? pino.destination({ sync: false }) : undefined),
  );
}
