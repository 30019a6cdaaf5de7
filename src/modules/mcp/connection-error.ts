// Why talking to an MCP server failed, in one line a user can act on, with secret values masked.
import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { blockedAddressCause } from '../../platform/net/blocked-address-error';
import { ProcessNotRunningError } from './stdio-transport';
import { ConnectionLostError } from './mcp-connection';

const MAX_REASON_CHARS = 1000;

export function describeFailure(error: unknown, timeoutMs: number): string {
  // The URL guard's refusal already says what was refused and why, however the SDK wrapped it.
  const blocked = blockedAddressCause(error);
  if (blocked) return blocked.message;
  if (error instanceof McpError && error.code === ErrorCode.RequestTimeout) return `no answer within ${timeoutMs} ms`;
  if (error instanceof StreamableHTTPError) return `HTTP ${error.code ?? 'error'}: ${error.message}`;
  if (error instanceof McpError) return error.message.replace(/^MCP error -?\d+: /, '');
  if (!isErrorLike(error)) return String(error);
  if (error.name === 'TypeError' && error.message === 'fetch failed') {
    const code = isErrorLike(error.cause) ? error.cause.code : undefined;
    return `cannot reach the server${code ? ` (${code})` : ''}`;
  }
  return error.message;
}

// fetch's errors come from another realm under jest's sandbox, so they fail instanceof Error.
function isErrorLike(value: unknown): value is { name: string; message: string; code?: string; cause?: unknown } {
  return typeof value === 'object' && value !== null && typeof (value as { message?: unknown }).message === 'string';
}

/** Replaces every configured env and header value in `text`, and keeps it short. */
export function redact(text: string, secrets: string[]): string {
  let masked = text;
  for (const secret of secrets) {
    if (secret.length >= 4) masked = masked.split(secret).join('[redacted]');
  }
  return masked.length > MAX_REASON_CHARS ? `${masked.slice(0, MAX_REASON_CHARS)}…` : masked;
}

/**
 * Whether a failed request can be sent again on a fresh connection: it never reached the server
 * (the child was already gone, or an HTTP session the server no longer knows), or it is a read.
 */
export function isStaleConnection(error: unknown, idempotent: boolean): boolean {
  if (error instanceof StreamableHTTPError) return error.code === 404;
  if (error instanceof ProcessNotRunningError) return true;
  if (isErrorLike(error) && error.message === 'Not connected') return true;
  return idempotent && error instanceof ConnectionLostError;
}

/** Whether the failure says the server is unreachable or broken, as opposed to one slow or refused call. */
export function isConnectionFailure(error: unknown): boolean {
  return !(error instanceof McpError);
}
