import { Writable } from 'node:stream';
import { createLogger, redact } from '../../src/platform/logger';

describe('log redaction', () => {
  it('masks secrets at any depth and bearer tokens inside strings, leaving the rest', () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = createLogger({ level: 'info', pretty: false, destination });
    logger.info(
      {
        headers: { authorization: 'Bearer abc.def' },
        input: { name: 'server', env: { API_KEY: 'sk-1' }, apiKey: 'sk-2', nested: [{ refreshToken: 'r1', password: 'p' }] },
        note: 'called with Authorization: Bearer eyJhbGciOi.x.y',
        promptTokens: 12,
      },
      'operation',
    );
    const entry = JSON.parse(lines[0]);
    expect(entry).toMatchObject({
      headers: '[redacted]',
      input: { name: 'server', env: '[redacted]', apiKey: '[redacted]', nested: [{ refreshToken: '[redacted]', password: '[redacted]' }] },
      note: 'called with Authorization: Bearer [redacted]',
      promptTokens: 12,
    });
    expect(lines[0]).not.toMatch(/sk-1|sk-2|abc\.def|eyJhbGciOi|"r1"/);
  });

  it('never writes a secret nested deeper than it looks', () => {
    let deep: Record<string, unknown> = { password: 'hunter2-deep', apiKey: 'sk-deep' };
    for (let i = 0; i < 12; i++) deep = { level: deep };
    expect(JSON.stringify(redact({ deep }))).not.toMatch(/hunter2-deep|sk-deep/);
  });

  it('redacts the fields of errors too', () => {
    const error = Object.assign(new Error('failed with Bearer tok123'), { apiKey: 'sk-3' });
    expect(redact({ err: error })).toMatchObject({ err: { message: 'failed with Bearer [redacted]', apiKey: '[redacted]' } });
  });
});
