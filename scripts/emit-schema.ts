// npm run schema: writes schema.graphql, the contract typed SDKs are generated from.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { emitSchema } from '../src/schema-file';

emitSchema().then(
  (sdl) => {
    writeFileSync(join(__dirname, '..', '..', 'schema.graphql'), sdl);
    process.stdout.write('schema.graphql written\n');
  },
  (error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  },
);
