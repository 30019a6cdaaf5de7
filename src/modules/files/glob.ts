// Glob matching for file_search, case-insensitive:
//   `*` any characters but `/`, `?` one character but `/`, `[abc]` `[a-z]` `[!abc]` `[^abc]` one of a set,
//   `{a,b}` alternatives, `**` as a whole segment any number of folders (none included), `\x` a literal x.
// A pattern without `/` is matched against the file's name at any depth (`*.md`); a pattern with
// `/` against the whole path under the searched folder (`docs/**/*.md`).
// The matcher walks names with the two-pointer wildcard algorithm (no regular expressions), so a
// pattern like `*a*a*a*a*b` costs at most length × length steps, never exponential backtracking.
import { badInput } from '../../platform/errors';

export const MAX_PATTERN_LENGTH = 512;
const MAX_ALTERNATIVES = 64;

type Token =
  | { kind: 'char'; char: string }
  | { kind: 'any' }
  | { kind: 'star' }
  | { kind: 'set'; negated: boolean; ranges: Array<[string, string]> };

type Segment = { kind: 'globstar' } | { kind: 'name'; tokens: Token[] };

/** Either a pattern for the file's name alone, or for its whole path. */
type CompiledPattern = { name: Token[] } | { segments: Segment[] };

/** Compiles a glob into a predicate over `/`-separated relative paths; BAD_USER_INPUT when unusable. */
export function compileGlob(pattern: string): (path: string) => boolean {
  if (pattern.length === 0) throw badInput({ pattern: 'is empty; use "*" to match every file' });
  if (pattern.length > MAX_PATTERN_LENGTH) throw badInput({ pattern: `is longer than ${MAX_PATTERN_LENGTH} characters` });
  const compiled = expandBraces(pattern).map(compile);
  return (path) => {
    const names = path.toLowerCase().split('/');
    return compiled.some((c) => ('name' in c ? matchTokens(c.name, [...names[names.length - 1]]) : matchSegments(c.segments, names)));
  };
}

function compile(pattern: string): CompiledPattern {
  const parts = pattern
    .toLowerCase()
    .replace(/^(\.\/)+/, '')
    .split('/')
    .filter((part) => part !== '' && part !== '.');
  if (parts.length === 0) throw badInput({ pattern: 'has no name to match; use "*" to match every file' });
  if (!pattern.includes('/')) return { name: tokenize(parts[0]) };
  const segments: Segment[] = [];
  for (const part of parts) {
    if (part === '**') {
      if (segments.at(-1)?.kind !== 'globstar') segments.push({ kind: 'globstar' });
    } else {
      segments.push({ kind: 'name', tokens: tokenize(part) });
    }
  }
  return { segments };
}

function tokenize(part: string): Token[] {
  const chars = [...part];
  const tokens: Token[] = [];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    if (c === '\\' && i + 1 < chars.length) tokens.push({ kind: 'char', char: chars[++i] });
    else if (c === '*') {
      if (tokens.at(-1)?.kind !== 'star') tokens.push({ kind: 'star' });
    } else if (c === '?') tokens.push({ kind: 'any' });
    else if (c === '[') {
      const set = parseSet(chars, i);
      if (set) {
        tokens.push(set.token);
        i = set.end;
      } else tokens.push({ kind: 'char', char: c });
    } else tokens.push({ kind: 'char', char: c });
  }
  return tokens;
}

/** `[...]` starting at chars[open]; null when it is not closed (then `[` is a literal). */
function parseSet(chars: string[], open: number): { token: Token; end: number } | null {
  let i = open + 1;
  const negated = chars[i] === '!' || chars[i] === '^';
  if (negated) i++;
  const ranges: Array<[string, string]> = [];
  // A `]` right after the opening is a member, as in POSIX.
  for (let first = true; i < chars.length; i++, first = false) {
    if (chars[i] === ']' && !first) return { token: { kind: 'set', negated, ranges }, end: i };
    const low = chars[i] === '\\' && i + 1 < chars.length ? chars[++i] : chars[i];
    if (chars[i + 1] === '-' && i + 2 < chars.length && chars[i + 2] !== ']') {
      ranges.push([low, chars[i + 2]]);
      i += 2;
    } else ranges.push([low, low]);
  }
  return null;
}

function expandBraces(pattern: string): string[] {
  const out: string[] = [];
  const expand = (text: string, from: number): void => {
    const group = findBraceGroup(text, from);
    if (!group) {
      out.push(text);
      if (out.length > MAX_ALTERNATIVES) throw badInput({ pattern: `expands to more than ${MAX_ALTERNATIVES} alternatives` });
      return;
    }
    if (group.alternatives.length < 2) return expand(text, group.close + 1);
    const before = text.slice(0, group.open);
    const after = text.slice(group.close + 1);
    for (const alternative of group.alternatives) expand(before + alternative + after, before.length);
  };
  expand(pattern, 0);
  return out;
}

/** The first `{...}` at or after `from`, split at its top-level commas. */
function findBraceGroup(text: string, from: number): { open: number; close: number; alternatives: string[] } | null {
  for (let open = from; open < text.length; open++) {
    if (text[open] === '\\') {
      open++;
      continue;
    }
    if (text[open] !== '{') continue;
    let depth = 0;
    let start = open + 1;
    const alternatives: string[] = [];
    for (let i = open; i < text.length; i++) {
      const c = text[i];
      if (c === '\\') i++;
      else if (c === '{') depth++;
      else if (c === '}' && --depth === 0) {
        alternatives.push(text.slice(start, i));
        return { open, close: i, alternatives };
      } else if (c === ',' && depth === 1) {
        alternatives.push(text.slice(start, i));
        start = i + 1;
      }
    }
    return null;
  }
  return null;
}

function matchOne(token: Token, char: string): boolean {
  switch (token.kind) {
    case 'char':
      return token.char === char;
    case 'any':
      return true;
    case 'set': {
      const variants = [char, char.toUpperCase()];
      const inSet = token.ranges.some(([low, high]) => variants.some((v) => v >= low && v <= high));
      return inSet !== token.negated;
    }
    case 'star':
      return false;
  }
}

/** Wildcard match with backtracking to the last star only: O(tokens × chars). */
function matchTokens(tokens: Token[], chars: string[]): boolean {
  return matchWithStars(tokens, chars, (t) => t.kind === 'star', matchOne);
}

function matchSegments(segments: Segment[], names: string[]): boolean {
  return matchWithStars(
    segments,
    names,
    (s) => s.kind === 'globstar',
    (s, name) => s.kind === 'name' && matchTokens(s.tokens, [...name]),
  );
}

function matchWithStars<P, S>(pattern: P[], subject: S[], isStar: (p: P) => boolean, matches: (p: P, s: S) => boolean): boolean {
  let p = 0;
  let s = 0;
  let starAt = -1;
  let resumeAt = 0;
  while (s < subject.length) {
    if (p < pattern.length && isStar(pattern[p])) {
      starAt = p++;
      resumeAt = s;
    } else if (p < pattern.length && matches(pattern[p], subject[s])) {
      p++;
      s++;
    } else if (starAt >= 0) {
      p = starAt + 1;
      s = ++resumeAt;
    } else return false;
  }
  while (p < pattern.length && isStar(pattern[p])) p++;
  return p === pattern.length;
}
