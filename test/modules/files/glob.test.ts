import { AppError } from '../../../src/platform/errors';
import { compileGlob } from '../../../src/modules/files/glob';

const paths = [
  'README.md',
  'notes.txt',
  'docs/intro.md',
  'docs/guide/setup.md',
  'docs/guide/setup.txt',
  'docs/img/logo.png',
  'src/a.ts',
  'src/b.ts',
  'src/c.js',
  'src/lib/deep/x.ts',
  'data/report-2023.csv',
  'data/report-2024.csv',
  'data/report-202x.csv',
  '.env',
  'weird/[draft].md',
];

const matching = (pattern: string) => paths.filter(compileGlob(pattern));

describe('glob patterns', () => {
  it.each<[string, string[]]>([
    ['*', paths],
    ['**', paths],
    ['*.md', ['README.md', 'docs/intro.md', 'docs/guide/setup.md', 'weird/[draft].md']],
    ['*.MD', ['README.md', 'docs/intro.md', 'docs/guide/setup.md', 'weird/[draft].md']],
    ['readme.md', ['README.md']],
    ['docs/*.md', ['docs/intro.md']],
    ['docs/**/*.md', ['docs/intro.md', 'docs/guide/setup.md']],
    ['docs/**', ['docs/intro.md', 'docs/guide/setup.md', 'docs/guide/setup.txt', 'docs/img/logo.png']],
    ['**/setup.*', ['docs/guide/setup.md', 'docs/guide/setup.txt']],
    ['src/?.ts', ['src/a.ts', 'src/b.ts']],
    ['src/[ab].*', ['src/a.ts', 'src/b.ts']],
    ['src/[!a].*', ['src/b.ts', 'src/c.js']],
    ['src/[^a].*', ['src/b.ts', 'src/c.js']],
    ['report-202[3-4].csv', ['data/report-2023.csv', 'data/report-2024.csv']],
    ['*.{ts,js}', ['src/a.ts', 'src/b.ts', 'src/c.js', 'src/lib/deep/x.ts']],
    ['src/**/*.ts', ['src/a.ts', 'src/b.ts', 'src/lib/deep/x.ts']],
    ['src/**/**/x.ts', ['src/lib/deep/x.ts']],
    ['./*.txt', ['notes.txt']],
    ['.*', ['.env']],
    ['\\[draft\\].md', ['weird/[draft].md']],
    ['[[]draft].md', ['weird/[draft].md']],
    ['nothing-*', []],
  ])('%j matches the right files', (pattern, expected) => {
    expect(matching(pattern)).toEqual(expected);
  });

  it('treats an unclosed bracket or brace as a literal character', () => {
    expect(compileGlob('a[b')('a[b')).toBe(true);
    expect(compileGlob('a{b')('a{b')).toBe(true);
  });

  it('matches a pathological pattern against a long name without hanging', () => {
    const name = 'a'.repeat(255);
    expect(compileGlob(`${'*a'.repeat(60)}b`)(name)).toBe(false);
    expect(compileGlob('**/'.repeat(30) + 'x')(`${'d/'.repeat(60)}y`)).toBe(false);
  });

  it.each([
    ['', /empty/],
    ['x'.repeat(513), /longer than 512/],
    ['/', /no name/],
    ['{a,b}{c,d}{e,f}{g,h}{i,j}{k,l}{m,n}', /more than 64 alternatives/],
  ])('refuses %j', (pattern, why) => {
    try {
      compileGlob(pattern);
      throw new Error('expected a refusal');
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).extensions.fields).toEqual({ pattern: expect.stringMatching(why) });
    }
  });
});
