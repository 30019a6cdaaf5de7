import { capturingLogger, startApp } from '../support/app';
import { signUp } from '../support/accounts';

describe('errors clients see', () => {
  it('masks an unexpected failure: no message, stack, SQL or path; the request id leads to the whole error in the log', async () => {
    const logs = capturingLogger('error');
    const app = await startApp({}, { logger: logs.logger });
    try {
      const user = await signUp(app);
      // One request first: the session check then answers from the cache, and the failure comes in the resolver.
      await user.client.data('{ me { id } }');
      // The database goes away under the running server.
      await app.orm.close(true);
      const result = await user.client.request('mutation { updateMe(input: { username: "renamed" }) { id } }');
      expect(result.status).toBe(200);
      expect(result.errors).toEqual([
        { message: 'Internal server error', locations: [{ line: 1, column: 12 }], path: ['updateMe'], extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: result.headers.get('x-request-id') } },
      ]);
      expect(JSON.stringify(result)).not.toMatch(/select|knex|sqlite|mysql|\/work\/|node_modules|at /i);
      const logged = logs.lines.find((line) => line.msg === 'unexpected error');
      expect(logged).toMatchObject({ requestId: result.headers.get('x-request-id'), path: ['updateMe'], err: { message: expect.any(String), stack: expect.any(String) } });
    } finally {
      await app.close();
    }
  });

  it('keeps the code and the fields of errors meant for the client', async () => {
    const app = await startApp();
    try {
      const error = await app.client().error('mutation { register(input: { username: "x", password: "short" }) { accessToken } }');
      expect(error).toEqual({
        message: 'username: must be 3 to 50 letters, digits, dots, dashes or underscores; password: must be 8 to 256 characters',
        locations: [{ line: 1, column: 12 }],
        path: ['register'],
        extensions: {
          code: 'BAD_USER_INPUT',
          fields: { username: 'must be 3 to 50 letters, digits, dots, dashes or underscores', password: 'must be 8 to 256 characters' },
          requestId: expect.any(String),
        },
      });
    } finally {
      await app.close();
    }
  });
});
