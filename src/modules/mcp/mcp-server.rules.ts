// The rules on what a server config may hold and who may make it run a command on this host.
import { basename } from 'node:path';
import type { Role } from '../../platform/graphql/context';

interface StringMapRules {
  maxEntries: number;
  maxBytes: number;
  key: RegExp;
  keyRule: string;
  /** Characters a value must not contain, and why. */
  badValue: RegExp;
  badValueRule: string;
}

const ENV_RULES: StringMapRules = {
  maxEntries: 100,
  maxBytes: 32 * 1024,
  key: /^[A-Za-z_][A-Za-z0-9_]{0,199}$/,
  keyRule: 'letters, digits and underscores, not starting with a digit',
  badValue: /\0/,
  badValueRule: 'must not contain NUL characters',
};

const HEADER_RULES: StringMapRules = {
  maxEntries: 50,
  maxBytes: 16 * 1024,
  key: /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,200}$/,
  keyRule: 'an HTTP header name',
  badValue: /[\r\n\0]/,
  badValueRule: 'must not contain line breaks or NUL characters',
};

const MAX_ARGS_BYTES = 32 * 1024;

// Variables that decide which program or code a command actually runs.
const LAUNCH_VARIABLES = /^(PATH|NODE_OPTIONS|PYTHONPATH|PYTHONSTARTUP|LD_.*|DYLD_.*)$/i;

export type StringMapCheck = { map: Record<string, string> } | { problem: string };

/**
 * A JSON value given as env or headers, checked to be an object of string values within the
 * rules; problems name the key but never show a value.
 */
function checkStringMap(value: unknown, rules: StringMapRules): StringMapCheck {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { problem: 'must be an object of string values, e.g. {"NAME": "value"}' };
  }
  const entries = Object.entries(value);
  if (entries.length > rules.maxEntries) return { problem: `must have at most ${rules.maxEntries} entries` };
  for (const [key, item] of entries) {
    if (!rules.key.test(key)) return { problem: `"${key.slice(0, 200)}" is not a valid name (${rules.keyRule})` };
    if (typeof item !== 'string') return { problem: `the value of "${key}" must be a string` };
    if (rules.badValue.test(item)) return { problem: `the value of "${key}" ${rules.badValueRule}` };
  }
  const map = Object.fromEntries(entries) as Record<string, string>;
  const problem = sizeProblem(map, rules.maxBytes);
  return problem ? { problem } : { map };
}

export const checkEnv = (value: unknown) => checkStringMap(value, ENV_RULES);
export const checkHeaders = (value: unknown) => checkStringMap(value, HEADER_RULES);

/** Why a STDIO server's arguments are too long to store, or undefined. */
export const argsProblem = (args: string[]): string | undefined => sizeProblem(args, MAX_ARGS_BYTES);

// Measured as stored (JSON, where a quote or a control character takes 2 to 6 bytes), so that it
// always fits its column, a MySQL TEXT of 64 KB, even encrypted and base64-encoded.
function sizeProblem(value: unknown, maxBytes: number): string | undefined {
  return Buffer.byteLength(JSON.stringify(value)) > maxBytes ? `must be at most ${maxBytes / 1024} KB in all` : undefined;
}

/**
 * Why a user of this role may not run `command` with these env names on this host, or undefined.
 * Admins run anything. Others run only a command listed in MCP_STDIO_ALLOWED_COMMANDS, given by
 * its bare name so it is found on this server's PATH (a path could point at a file of their own),
 * and may not set the variables that decide what actually runs.
 */
export function commandRefusal(command: string, envNames: string[], role: Role, allowedCommands: readonly string[]): string | undefined {
  if (role === 'ADMIN') return undefined;
  const why = 'a STDIO server runs a command on this host';
  if (allowedCommands.length === 0) {
    return `Only admins may add or change STDIO MCP servers: ${why}. An admin can let every user run chosen commands by listing them in MCP_STDIO_ALLOWED_COMMANDS (e.g. "npx,uvx").`;
  }
  const listed = allowedCommands.map((entry) => basename(entry));
  const allowed = allowedCommands.includes(command) || (!/[/\\]/.test(command) && listed.includes(command));
  if (!allowed) {
    return `Only admins may run "${command}" in a STDIO MCP server: ${why}. Other users may run only the commands MCP_STDIO_ALLOWED_COMMANDS lists, by name: ${listed.join(', ')}.`;
  }
  const launch = envNames.find((name) => LAUNCH_VARIABLES.test(name));
  if (launch) return `Only admins may set ${launch} for a STDIO MCP server: it changes which program or code runs on this host.`;
  return undefined;
}
