import { startApp, type TestApp } from '../../support/app';
import { signUp, uniqueName } from '../../support/accounts';

const LOGIN = 'mutation ($input: LoginInput!) { login(input: $input) { accessToken } }';

describe('rate limits on signing in, signing up and reset requests', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp({ AUTH_IP_ATTEMPTS_PER_MINUTE: '3', AUTH_LOGIN_FAILURES_PER_ACCOUNT: '3' });
  });
  afterAll(() => app.close());

  it('answers RATE_LIMITED with retryAfterSeconds once an IP has tried too often', async () => {
    const REQUEST = 'mutation ($e: String!) { requestPasswordReset(email: $e) }';
    for (let i = 0; i < 3; i++) await app.client().data(REQUEST, { e: `${uniqueName()}@example.test` });
    const error = await app.client().error(REQUEST, { e: `${uniqueName()}@example.test` });
    expect(error.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) });
    expect(error.extensions!.retryAfterSeconds).toBeGreaterThan(0);
    expect(error.extensions!.retryAfterSeconds).toBeLessThanOrEqual(60);
  });

  it('locks an account name after repeated wrong passwords, even for the right one, and only that name', async () => {
    // Its own app: this test signs in more often than the IP limit of the suite allows.
    const strict = await startApp({ AUTH_LOGIN_FAILURES_PER_ACCOUNT: '3' });
    try {
      const user = await signUp(strict);
      const bystander = await signUp(strict);
      for (let i = 0; i < 3; i++) {
        expect((await strict.client().error(LOGIN, { input: { username: user.username, password: 'wrong guess' } })).extensions?.code).toBe('UNAUTHENTICATED');
      }
      const locked = await strict.client().error(LOGIN, { input: { username: user.username.toUpperCase(), password: user.password } });
      expect(locked.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) });
      expect(locked.extensions!.retryAfterSeconds).toBeGreaterThan(800);
      await expect(strict.client().data(LOGIN, { input: { username: bystander.username, password: bystander.password } })).resolves.toMatchObject({ login: { accessToken: expect.any(String) } });
    } finally {
      await strict.close();
    }
  });
});
