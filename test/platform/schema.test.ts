import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { emitSchema } from '../../src/schema-file';

describe('schema.graphql', () => {
  it('is exactly what the code emits (run `npm run schema` after changing the API)', async () => {
    const committed = readFileSync(join(__dirname, '..', '..', 'schema.graphql'), 'utf8');
    expect(await emitSchema()).toBe(committed);
  });
});
