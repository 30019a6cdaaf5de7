// The one error type services throw. Its code is what clients see in `extensions.code`
// (GraphQL) or the JSON body (plain HTTP routes); anything else that escapes is masked.

export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'BAD_USER_INPUT'
  | 'CONFLICT'
  | 'RATE_LIMITED'
  | 'PAYLOAD_TOO_LARGE'
  | 'UPSTREAM_FAILED'
  | 'SERVICE_UNAVAILABLE';

const httpStatusByCode: Record<ErrorCode, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  BAD_USER_INPUT: 400,
  CONFLICT: 409,
  RATE_LIMITED: 429,
  PAYLOAD_TOO_LARGE: 413,
  UPSTREAM_FAILED: 502,
  SERVICE_UNAVAILABLE: 503,
};

export type ErrorExtensions = Record<string, unknown>;

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extensions: ErrorExtensions = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AppError';
  }

  get httpStatus(): number {
    return httpStatusByCode[this.code];
  }
}

export const unauthenticated = (message = 'You must be signed in.') => new AppError('UNAUTHENTICATED', message);

export const forbidden = (message = 'You are not allowed to do this.') => new AppError('FORBIDDEN', message);

/** The same answer for "does not exist" and "is not yours": ids of others must not be probeable. */
export const notFound = (what: string) => new AppError('NOT_FOUND', `${what} not found.`);

/** `fields` maps each bad input field to what is wrong with it. */
export const badInput = (fields: Record<string, string>, message?: string) =>
  new AppError('BAD_USER_INPUT', message ?? Object.entries(fields).map(([f, m]) => `${f}: ${m}`).join('; '), { fields });

export const conflict = (message: string, fields?: Record<string, string>) =>
  new AppError('CONFLICT', message, fields ? { fields } : {});

export const rateLimited = (retryAfterSeconds: number) =>
  new AppError('RATE_LIMITED', `Too many requests; try again in ${retryAfterSeconds} s.`, {
    retryAfterSeconds,
  });

export const upstreamFailed = (message: string, extensions: ErrorExtensions = {}, cause?: unknown) =>
  new AppError('UPSTREAM_FAILED', message, extensions, { cause });

export const isAppError = (error: unknown): error is AppError => error instanceof AppError;

/** An error and the causes it wraps, outermost first (duck-typed: errors from other realms count too). */
export function causesOf(error: unknown, max = 10): unknown[] {
  const chain = [error];
  for (let current = error; chain.length < max && typeof current === 'object' && current !== null && 'cause' in current && current.cause !== undefined; ) {
    current = current.cause;
    chain.push(current);
  }
  return chain;
}
