// What can go wrong talking to an LLM endpoint, said as the AppErrors clients see (UPSTREAM_FAILED),
// with whether trying again could help. A cancelled request is not a failure: it has its own class.
import { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai';
import { AppError, causesOf, upstreamFailed } from '../../platform/errors';
import { isRecord } from './is-record';
import { ResponseTooLargeError } from '../../platform/net/bounded-response';

/** Thrown when the caller's AbortSignal ended the request; tell it apart with `isLlmAborted`. */
export class LlmAbortedError extends Error {
  constructor(reason?: unknown) {
    super('The LLM request was cancelled.', { cause: reason });
    this.name = 'LlmAbortedError';
  }
}

export const isLlmAborted = (error: unknown): error is LlmAbortedError => error instanceof LlmAbortedError;

/** An HTTP error answer, with the message dug out of whatever body shape the provider uses. */
export class UpstreamHttpError extends APIError<number, Headers> {
  readonly upstreamMessage: string;
  /** The request field the provider blames, when it says so (OpenAI's `error.param`). */
  readonly upstreamParam: string | undefined;

  constructor(status: number, body: object | undefined, text: string | undefined, headers: Headers) {
    super(status, body, text, headers);
    this.upstreamMessage = upstreamMessageOf(body, text);
    const detail = isRecord(body) && isRecord(body.error) ? body.error : body;
    const param = isRecord(detail) ? detail.param : undefined;
    this.upstreamParam = typeof param === 'string' ? param : undefined;
  }
}

const MAX_MESSAGE = 500;

/** OpenAI and Ollama send { error: { message } }, vLLM { message }, FastAPI { detail }, LM Studio { error: "…" }. */
export function upstreamMessageOf(body: unknown, text: string | undefined): string {
  let message: string | undefined;
  if (isRecord(body)) {
    const error = body.error;
    if (isRecord(error) && typeof error.message === 'string') message = error.message;
    else if (typeof error === 'string') message = error;
    else if (typeof body.message === 'string') message = body.message;
    else if (typeof body.detail === 'string') message = body.detail;
    else message = JSON.stringify(body);
  } else if (typeof body === 'string') {
    message = body;
  } else {
    message = text?.trim();
  }
  if (!message) return 'no message';
  return message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE)}…` : message;
}

export interface Failure {
  error: AppError;
  retryable: boolean;
  /** How long the provider asked us to wait before trying again. */
  retryAfterMs?: number;
}

export interface FailureContext {
  timeoutMs: number;
  /** True when our own timer ended the attempt. */
  timedOut: boolean;
  /** Removes secrets (the API key) from text that came from upstream. */
  redact: (text: string) => string;
  /** Network errors that must not be retried (the guarded fetch refusing an address). */
  nonRetryable?: (error: unknown) => boolean;
  retryAfterMs: (headers: Headers) => number | undefined;
}

// Errors from fetch may come from another realm (Node's bundled undici), so they are read by shape, not instanceof.
interface ErrorLike {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  cause?: unknown;
}

const isErrorLike = (value: unknown): value is ErrorLike => typeof value === 'object' && value !== null;

/** The deepest cause says it best: "connect ECONNREFUSED 127.0.0.1:9" rather than "fetch failed". */
export function networkErrorMessage(error: unknown): string {
  for (const link of causesOf(error).reverse()) {
    if (!isErrorLike(link)) continue;
    if (typeof link.message === 'string' && link.message !== '') return link.message;
    if (typeof link.code === 'string') return link.code;
  }
  return 'network error';
}

/** Errors from the socket, as fetch (undici) and the SDK raise them: worth another attempt. */
export function isNetworkError(error: unknown): boolean {
  if (error instanceof APIConnectionError) return true;
  if (!isErrorLike(error) || error.name !== 'TypeError') return false;
  return error.message === 'fetch failed' || error.message === 'terminated' || isErrorLike(error.cause);
}

/** The failure this error amounts to, or null when it is not an upstream failure (a bug: let it surface). */
export function describeFailure(error: unknown, context: FailureContext): Failure | null {
  if (context.timedOut || error instanceof APIConnectionTimeoutError) {
    return {
      error: upstreamFailed(`The LLM endpoint did not respond within ${context.timeoutMs} ms.`, { timeoutMs: context.timeoutMs }, error),
      retryable: false,
    };
  }
  if (error instanceof AppError) return { error, retryable: false };
  const tooLarge = causesOf(error).find((link): link is ResponseTooLargeError => link instanceof ResponseTooLargeError);
  if (tooLarge) {
    // Asking again would bring the same flood.
    return { error: upstreamFailed(`The LLM endpoint's answer was refused. ${tooLarge.message}`, { upstreamStatus: null, limitBytes: tooLarge.limitBytes }), retryable: false };
  }
  if (error instanceof APIError && typeof error.status === 'number') {
    const status = error.status;
    const upstreamMessage = context.redact(
      error instanceof UpstreamHttpError ? error.upstreamMessage : upstreamMessageOf(error.error, error.message),
    );
    const retryAfterMs = error.headers ? context.retryAfterMs(error.headers) : undefined;
    return {
      error: upstreamFailed(`The LLM endpoint answered ${status}: ${upstreamMessage}`, {
        upstreamStatus: status,
        upstreamMessage,
        ...(retryAfterMs !== undefined ? { retryAfterSeconds: Math.ceil(retryAfterMs / 1000) } : {}),
      }),
      retryable: status === 408 || status === 429 || status >= 500,
      retryAfterMs,
    };
  }
  if (isNetworkError(error)) {
    const chain = causesOf(error);
    const upstreamMessage = context.redact(networkErrorMessage(error));
    return {
      error: upstreamFailed(`Could not reach the LLM endpoint: ${upstreamMessage}`, { upstreamStatus: null, upstreamMessage }, error),
      retryable: !chain.some((link) => context.nonRetryable?.(link)),
    };
  }
  return null;
}
