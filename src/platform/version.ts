import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The package version, read once (the compiled file sits one level deeper than the source). */
export const version: string = (() => {
  for (const up of ['../..', '../../..']) {
    try {
      return (JSON.parse(readFileSync(join(__dirname, up, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      // try the next level
    }
  }
  return '0.0.0';
})();
