// The one place errors become what clients see. AppErrors and GraphQL's own request errors keep
// their code; everything else is masked as INTERNAL_SERVER_ERROR and logged whole by the caller.
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { ArgumentValidationError } from 'type-graphql';
import type { ValidationError } from 'class-validator';
import { isAppError } from '../errors';

export const INTERNAL_MESSAGE = 'Internal server error';

export interface FormattedError {
  formatted: GraphQLFormattedError;
  /** True when the original error was hidden: it must be logged. */
  masked: boolean;
}

export function formatError(formatted: GraphQLFormattedError, error: unknown): FormattedError {
  const base = { message: formatted.message, locations: formatted.locations, path: formatted.path };
  const app = findCause(error, isAppError);
  if (app) {
    return { formatted: { ...base, message: app.message, extensions: { ...app.extensions, code: app.code } }, masked: false };
  }
  const validation = findCause(error, (e): e is ArgumentValidationError => e instanceof ArgumentValidationError);
  if (validation) {
    const fields = validationFields(validation.extensions.validationErrors);
    const message = Object.entries(fields).map(([f, m]) => `${f}: ${m}`).join('; ');
    return { formatted: { ...base, message, extensions: { code: 'BAD_USER_INPUT', fields } }, masked: false };
  }
  // Errors about the request itself (parse, validation, variables) carry no path, and no cause
  // but another GraphQLError (Apollo wraps validation errors).
  if (error instanceof GraphQLError && !error.path && (!error.originalError || error.originalError instanceof GraphQLError)) {
    const extensions = pickSafeExtensions(formatted.extensions ?? {});
    return { formatted: { ...base, extensions: { ...extensions, code: extensions.code ?? 'GRAPHQL_VALIDATION_FAILED' } }, masked: false };
  }
  return { formatted: { ...base, message: INTERNAL_MESSAGE, extensions: { code: 'INTERNAL_SERVER_ERROR' } }, masked: true };
}

function findCause<T>(error: unknown, match: (e: unknown) => e is T): T | null {
  let current: unknown = unwrapResolverError(error);
  for (let depth = 0; current && depth < 5; depth++) {
    if (match(current)) return current;
    current = current instanceof GraphQLError ? current.originalError : null;
  }
  return null;
}

/** `http` is Apollo's instruction for the HTTP status (Apollo drops it; over WebSocket it is dropped here). */
function pickSafeExtensions(extensions: Record<string, unknown>): Record<string, unknown> {
  const { stacktrace: _stack, exception: _exception, http: _http, ...rest } = extensions;
  return rest;
}

function validationFields(errors: ValidationError[], prefix = ''): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const e of errors) {
    const path = prefix + e.property;
    const messages = Object.values(e.constraints ?? {});
    if (messages.length) fields[path] = messages.join('; ');
    if (e.children?.length) Object.assign(fields, validationFields(e.children, `${path}.`));
  }
  return fields;
}
