// Turns a tool call's raw arguments into the object the tool gets, or says why it cannot.
import { isRecord } from './is-record';

export type ParsedArguments = { parsedArguments: Record<string, unknown> } | { parseError: string };

const describe = (value: unknown) => (Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`);

export function parseToolArguments(raw: string): ParsedArguments {
  const text = raw.trim();
  // A tool without parameters may be called with no arguments at all.
  if (text === '' || text === 'null') return { parsedArguments: {} };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { parseError: `The arguments are not valid JSON: ${(error as Error).message}` };
  }
  // watsonx double-encodes: the JSON is a string holding the JSON of the object.
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return { parseError: 'The arguments must be a JSON object, not a string.' };
    }
  }
  if (!isRecord(value)) return { parseError: `The arguments must be a JSON object, not ${describe(value)}.` };
  return { parsedArguments: value };
}

/** True when `text` is one whole JSON value: more text after it can only belong to another call. */
export function isCompleteJson(text: string): boolean {
  const trimmed = text.trimEnd();
  const last = trimmed.charCodeAt(trimmed.length - 1);
  // Arguments are an object, or a string for the double-encoded: anything else cannot be complete yet.
  if (last !== 0x7d /* } */ && last !== 0x22 /* " */) return false;
  try {
    JSON.parse(trimmed);
    return true;
  } catch {
    return false;
  }
}
