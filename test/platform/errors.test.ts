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

  it('masks a failure while checking the access token too, and logs it under the request id the response carries', async () => {
    const logs = capturingLogger('error');
    const app = await startApp({}, { logger: logs.logger });
    try {
      // No request yet: the session check has to read the user from the database, which is gone.
      const user = await signUp(app);
      await app.orm.close(true);
      const result = await user.client.request('{ me { id } }');
      const requestId = result.headers.get('x-request-id');
      expect(result.errors).toEqual([{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR', requestId } }]);
      expect(JSON.stringify(result)).not.toMatch(/select|knex|sqlite|mysql|\/work\/|node_modules|at /i);
      expect(logs.lines.find((line) => line.msg === 'unexpected error')).toMatchObject({ requestId, err: { message: expect.any(String), stack: expect.any(String) } });
    } finally {
      await app.close();
    }
  });

  it('carries the request id on a refused access token too', async () => {
    const app = await startApp();
    try {
      const result = await app.client('not-a-token').request('{ me { id } }');
      expect(result.status).toBe(401);
      expect(result.errors).toEqual([
        { message: 'The access token is invalid or has expired; refresh it or sign in again.', extensions: { code: 'UNAUTHENTICATED', requestId: result.headers.get('x-request-id') } },
      ]);
    } finally {
      await app.close();
    }
  });

  it('answers a malformed request to a plain HTTP route in the shape of that route\'s other errors', async () => {
    const app = await startApp();
    try {
      const response = await fetch(`${app.url}/files/%E0%A4%A`);
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ error: { code: 'BAD_REQUEST', message: 'Bad request.', requestId: response.headers.get('x-request-id') } });
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
