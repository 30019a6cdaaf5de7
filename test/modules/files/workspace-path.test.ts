import { AppError } from '../../../src/platform/errors';
import { normalizeWorkspacePath } from '../../../src/modules/files/workspace-path';

function refusal(input: unknown, options?: Parameters<typeof normalizeWorkspacePath>[1]): string {
  try {
    normalizeWorkspacePath(input, options);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('BAD_USER_INPUT');
    const fields = (error as AppError).extensions.fields as Record<string, string>;
    return fields[options?.field ?? 'path'];
  }
  throw new Error(`expected ${JSON.stringify(input)} to be refused`);
}

describe('workspace paths', () => {
  it.each([
    ['notes/todo.md', 'notes/todo.md'],
    ['./notes/todo.md', 'notes/todo.md'],
    ['notes//todo.md', 'notes/todo.md'],
    ['notes/./todo.md', 'notes/todo.md'],
    ['notes/', 'notes'],
    ['.hidden', '.hidden'],
    ['%2e%2e/x', '%2e%2e/x'],
    ['a∕b', 'a∕b'],
    ['~draft.txt', '~draft.txt'],
    ['résumé.pdf', 'résumé.pdf'],
    ['re\u0301sume\u0301.pdf', 'résumé.pdf'],
    ['ﬁle.txt', 'ﬁle.txt'],
    ['two words/and (parens) [brackets] {braces}.txt', 'two words/and (parens) [brackets] {braces}.txt'],
  ])('accepts %j as %j', (input, canonical) => {
    expect(normalizeWorkspacePath(input)).toBe(canonical);
  });

  it('accepts the root only where a folder is asked for', () => {
    for (const root of ['', '.', './', './/.']) expect(normalizeWorkspacePath(root, { allowRoot: true })).toBe('');
    expect(refusal('')).toBe('is empty');
    expect(refusal('./')).toBe('names the workspace itself, not a file');
  });

  it.each([
    ['../x', /"\.\."/],
    ['a/../b', /"\.\."/],
    ['a/b/../../../x', /"\.\."/],
    ['/etc/passwd', /absolute/],
    ['C:\\x', /drive letter/],
    ['C:x', /drive letter/],
    ['\\\\srv\\share', /UNC/],
    ['//srv/x', /UNC/],
    ['..\\x', /backslash/],
    ['a\u0000b', /NUL/],
    ['a\nb', /control/],
    ['report\u202Etxt.exe', /text-direction/],
    ['~/x', /"~"/],
    ['~', /"~"/],
    ['．．/x', /look-alike of "\.\."/],
    ['‥/x', /look-alike of "\.\."/],
    ['a／b', /look-alike/],
    ['file.txt:hidden', /not allowed in file names/],
    ['what?.txt', /not allowed in file names/],
    ['...', /only of dots/],
    ['file.', /ends with a dot or space/],
    [' lead', /starts with a space/],
    ['CON', /reserved device name/],
    ['docs/nul.txt', /reserved device name/],
    ['x'.repeat(256), /longer than 255 bytes/],
    ['é'.repeat(128), /longer than 255 bytes/],
    ['a/'.repeat(600) + 'x', /longer than 1024 bytes/],
    ['a/'.repeat(65) + 'x', /deeper than 64/],
    ['\uD800x', /lone surrogate/],
    [42, /must be a string/],
  ])('refuses %j', (input, why) => {
    expect(refusal(input)).toMatch(why);
  });

  it('names the field it was given', () => {
    expect(refusal('../x', { field: 'directory', allowRoot: true })).toMatch(/"\.\."/);
  });

  it('accepts a segment of exactly 255 bytes and a path of exactly 1024 bytes', () => {
    expect(normalizeWorkspacePath('x'.repeat(255))).toHaveLength(255);
    const path = `${'a'.repeat(255)}/${'b'.repeat(255)}/${'c'.repeat(255)}/${'d'.repeat(254)}/e`;
    expect(Buffer.byteLength(path)).toBe(1024);
    expect(normalizeWorkspacePath(path)).toBe(path);
  });
});
