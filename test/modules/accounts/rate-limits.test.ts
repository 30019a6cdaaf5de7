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

  it('locks an account name after the limit even when the wrong guesses all arrive at once', async () => {
    const strict = await startApp({ AUTH_LOGIN_FAILURES_PER_ACCOUNT: '3' });
    try {
      const user = await signUp(strict);
      const answers = await Promise.all(Array.from({ length: 10 }, () => strict.client().request(LOGIN, { input: { username: user.username, password: 'wrong guess' } })));
      const codes = answers.map((answer) => answer.errors?.[0]?.extensions?.code);
      // Only as many passwords are tried as the limit allows; every other guess is refused unchecked.
      expect(codes.filter((code) => code === 'UNAUTHENTICATED')).toHaveLength(3);
      expect(codes.filter((code) => code === 'RATE_LIMITED')).toHaveLength(7);
      expect((await strict.client().error(LOGIN, { input: { username: user.username, password: user.password } })).extensions?.code).toBe('RATE_LIMITED');
    } finally {
      await strict.close();
    }
  });

  it('counts wrong guesses per account, whether the name typed is the username or the email address', async () => {
    const strict = await startApp({ AUTH_LOGIN_FAILURES_PER_ACCOUNT: '4' });
    try {
      const user = await signUp(strict);
      for (const name of [user.username, user.email, user.username.toUpperCase(), user.email.toUpperCase()]) {
        expect((await strict.client().error(LOGIN, { input: { username: name, password: 'wrong guess' } })).extensions?.code).toBe('UNAUTHENTICATED');
      }
      const locked = await strict.client().error(LOGIN, { input: { username: user.email, password: user.password } });
      expect(locked.extensions?.code).toBe('RATE_LIMITED');
    } finally {
      await strict.close();
    }
  });

  it('counts wrong passwords given to changePassword and deleteMe against the same limit, so a stolen token cannot guess', async () => {
    const strict = await startApp({ AUTH_LOGIN_FAILURES_PER_ACCOUNT: '3' });
    try {
      const user = await signUp(strict);
      const CHANGE = 'mutation ($input: ChangePasswordInput!) { changePassword(input: $input) }';
      for (let i = 0; i < 2; i++) {
        const wrong = await user.client.error(CHANGE, { input: { currentPassword: `guess ${i}`, newPassword: 'a new password' } });
        expect(wrong.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { currentPassword: 'is not correct' } });
      }
      expect((await user.client.error('mutation { deleteMe(password: "guess 3") }')).extensions?.code).toBe('BAD_USER_INPUT');
      const locked = await user.client.error(CHANGE, { input: { currentPassword: user.password, newPassword: 'a new password' } });
      expect(locked.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) });
      expect((await strict.client().error(LOGIN, { input: { username: user.username, password: user.password } })).extensions?.code).toBe('RATE_LIMITED');
    } finally {
      await strict.close();
    }
  });

  it('limits sign-ups and reset requests per account name (5 in 15 minutes), in any letter case', async () => {
    const app2 = await startApp();
    try {
      const REGISTER = 'mutation ($input: RegisterInput!) { register(input: $input) { accessToken } }';
      const REQUEST = 'mutation ($e: String!) { requestPasswordReset(email: $e) }';
      const username = uniqueName();
      const email = `${uniqueName()}@example.test`;
      const codes: Array<[string | undefined, string | undefined]> = [];
      for (let i = 0; i < 6; i++) {
        const registered = await app2.client().request(REGISTER, { input: { username: i % 2 ? username.toUpperCase() : username, password: 'long enough' } });
        const requested = await app2.client().request(REQUEST, { e: i % 2 ? email.toUpperCase() : email });
        codes.push([registered.errors?.[0]?.extensions?.code, requested.errors?.[0]?.extensions?.code]);
      }
      expect(codes).toEqual([[undefined, undefined], ...Array(4).fill(['CONFLICT', undefined]), ['RATE_LIMITED', 'RATE_LIMITED']]);
    } finally {
      await app2.close();
    }
  });

  it('counts each client behind a trusted proxy (TRUST_PROXY=1) by its own address', async () => {
    const behindProxy = await startApp({ TRUST_PROXY: '1', AUTH_IP_ATTEMPTS_PER_MINUTE: '2' });
    try {
      const REQUEST = 'mutation ($e: String!) { requestPasswordReset(email: $e) }';
      const ask = (clientIp: string) => behindProxy.client().request(REQUEST, { e: `${uniqueName()}@example.test` }, { 'x-forwarded-for': clientIp });
      for (let i = 0; i < 2; i++) expect((await ask('203.0.113.7')).errors).toBeUndefined();
      expect((await ask('203.0.113.7')).errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
      // Another client behind the same proxy has its own count.
      expect((await ask('203.0.113.8')).errors).toBeUndefined();
    } finally {
      await behindProxy.close();
    }
  });
});
