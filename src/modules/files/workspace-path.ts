// Every user-supplied workspace path goes through here before it touches the disk.
// The rules are strict on purpose: a path is refused rather than "repaired" whenever
// repairing it would require guessing what was meant.
//   - `..` is refused everywhere, even `a/../b` that would stay inside: a lexical
//     normalisation can disagree with what the disk resolves, so there is nothing to normalise.
//   - `.` and empty segments (`./a`, `a//b`, `a/`) are dropped: they cannot change the target.
//   - Backslashes, `:` (drive letters, alternate streams), `<>"|?*`, control and bidi characters,
//     Windows device names and names ending in a dot or space are refused so that a workspace
//     downloads and syncs the same on every system (and `?`/`*` stay free for globs).
//   - Nothing is decoded: `%2e%2e` is a literal name, `~` is not a home directory.
//   - Unicode is stored in NFC; a segment whose compatibility form (NFKC) is `.`/`..` or holds a
//     separator (e.g. `．．`, `‥`, `／`) is refused as a look-alike.
import { badInput } from '../../platform/errors';

export const MAX_PATH_BYTES = 1024;
export const MAX_SEGMENT_BYTES = 255;
export const MAX_PATH_DEPTH = 64;

// C0, DEL, C1, and the bidi/direction marks that can disguise a name's extension.
const FORBIDDEN_CHARS = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;
const WINDOWS_UNSAFE = /[\\:<>"|?*]/;
const LONE_SURROGATE = /\p{Cs}/u;
const RESERVED_NAME = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;
const DRIVE_LETTER = /^[a-z]:/i;

export interface WorkspacePathOptions {
  /** The field named in the error (`path`, `directory`). */
  field?: string;
  /** Accept the workspace root (``, `.`, `/`-free empty forms) and return ``. */
  allowRoot?: boolean;
}

/** Returns the canonical relative path (NFC, `/`-separated, no `.` or empty segments) or throws BAD_USER_INPUT. */
export function normalizeWorkspacePath(input: unknown, options: WorkspacePathOptions = {}): string {
  const field = options.field ?? 'path';
  const refuse = (why: string) => badInput({ [field]: why });

  if (typeof input !== 'string') throw refuse('must be a string');
  if (LONE_SURROGATE.test(input)) throw refuse('is not valid Unicode (lone surrogate)');
  const path = input.normalize('NFC');
  if (path.includes('\u0000')) throw refuse('contains a NUL byte');
  if (FORBIDDEN_CHARS.test(path)) throw refuse('contains a control or text-direction character');
  if (path.startsWith('\\\\') || path.startsWith('//')) throw refuse('is a network (UNC) path; give a path inside the workspace');
  if (DRIVE_LETTER.test(path)) throw refuse('has a drive letter; give a path relative to the workspace');
  if (path.includes('\\')) throw refuse('contains a backslash; separate folders with "/"');
  if (path.startsWith('/')) throw refuse('is absolute; give a path relative to the workspace, e.g. "notes/todo.md"');
  if (path === '~' || path.startsWith('~/')) throw refuse('starts with "~"; there is no home folder, paths are relative to the workspace');
  if (Buffer.byteLength(path) > MAX_PATH_BYTES) throw refuse(`is longer than ${MAX_PATH_BYTES} bytes`);

  const segments = path.split('/').filter((segment) => segment !== '' && segment !== '.');
  for (const segment of segments) checkSegment(segment, refuse);
  if (segments.length > MAX_PATH_DEPTH) throw refuse(`is nested deeper than ${MAX_PATH_DEPTH} folders`);
  if (segments.length === 0) {
    if (options.allowRoot) return '';
    throw refuse(path === '' ? 'is empty' : 'names the workspace itself, not a file');
  }
  return segments.join('/');
}

function checkSegment(segment: string, refuse: (why: string) => Error): void {
  if (segment === '..') throw refuse('contains "..", which is not allowed; give the path from the workspace root');
  const compatible = segment.normalize('NFKC');
  if (compatible === '.' || compatible === '..' || /[/\\]/.test(compatible)) {
    throw refuse(`contains "${segment}", a Unicode look-alike of "${compatible}"`);
  }
  if (WINDOWS_UNSAFE.test(segment) || WINDOWS_UNSAFE.test(compatible)) {
    throw refuse(`contains a character not allowed in file names (one of \\ : < > " | ? *) in "${segment}"`);
  }
  if (/^\.+$/.test(segment)) throw refuse(`has a name made only of dots ("${segment}")`);
  if (/[. ]$/.test(segment) || segment.startsWith(' ')) throw refuse(`has a name that starts with a space or ends with a dot or space ("${segment}")`);
  if (RESERVED_NAME.test(segment)) throw refuse(`uses "${segment}", a reserved device name on Windows`);
  if (Buffer.byteLength(segment) > MAX_SEGMENT_BYTES) throw refuse(`has a name longer than ${MAX_SEGMENT_BYTES} bytes`);
}
