import { startApp, type TestApp } from '../../support/app';
import { AUTH_FIELDS, signUp, uniqueName } from '../../support/accounts';

const REGISTER = `mutation ($input: RegisterInput!) { register(input: $input) { ${AUTH_FIELDS} } }`;
const LOGIN = `mutation ($input: LoginInput!) { login(input: $input) { ${AUTH_FIELDS} } }`;

describe('signing up and signing in', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(() => app.close());

  it('signs a new user up as a USER and answers a working session', async () => {
    const username = uniqueName();
    const data = await app.client().data(REGISTER, { input: { username, password: 'correct horse', email: `${username}@Example.test` } });
    expect(data.register).toEqual({
      accessToken: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
      accessTokenExpiresAt: expect.any(String),
      refreshToken: expect.stringMatching(/^[\w-]{43}$/),
      user: { id: expect.any(String), username, email: `${username}@Example.test`, role: 'USER', isActive: true, createdAt: expect.any(String), updatedAt: expect.any(String) },
    });
    const expiresIn = new Date(data.register.accessTokenExpiresAt).getTime() - Date.now();
    expect(expiresIn).toBeGreaterThan(29 * 60_000);
    expect(expiresIn).toBeLessThanOrEqual(30 * 60_000);
    const me = await app.client(data.register.accessToken).data('{ me { id username } }');
    expect(me).toEqual({ me: { id: data.register.user.id, username } });
  });

  it('answers null for me when not signed in', async () => {
    expect(await app.client().data('{ me { id } }')).toEqual({ me: null });
  });

  it.each([
    ['a username too short', { username: 'ab' }, 'username', 'must be 3 to 50 letters, digits, dots, dashes or underscores'],
    ['a username too long', { username: 'a'.repeat(51) }, 'username', 'must be 3 to 50 letters, digits, dots, dashes or underscores'],
    ['a username with a space', { username: 'two words' }, 'username', 'must be 3 to 50 letters, digits, dots, dashes or underscores'],
    ['a password of 7 characters', { password: '1234567' }, 'password', 'must be 8 to 256 characters'],
    ['a password of 257 characters', { password: 'p'.repeat(257) }, 'password', 'must be 8 to 256 characters'],
    ['an email that is not one', { email: 'not-an-email' }, 'email', 'must be an email address'],
  ])('refuses %s with BAD_USER_INPUT naming the field', async (_what, change, field, message) => {
    const input = { username: uniqueName(), password: 'long enough', ...change };
    const error = await app.client().error(REGISTER, { input });
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { [field]: message } });
    expect(error.message).toContain(`${field}: ${message}`);
  });

  it('accepts passwords of exactly 8 and 256 characters and usernames of 3 and 50', async () => {
    for (const [username, password] of [[`a_${uniqueName('').slice(1, 2)}`, '12345678'], [uniqueName('x').padEnd(50, 'z'), 'p'.repeat(256)]]) {
      const result = await app.client().request(REGISTER, { input: { username: username.slice(0, 50), password } });
      expect(result.errors).toBeUndefined();
    }
  });

  it('refuses a taken username, whatever its case, and a taken email with CONFLICT', async () => {
    const user = await signUp(app);
    const sameName = await app.client().error(REGISTER, { input: { username: user.username.toUpperCase(), password: 'another one' } });
    expect(sameName.extensions).toMatchObject({ code: 'CONFLICT', fields: { username: 'is already taken' } });
    const sameEmail = await app.client().error(REGISTER, { input: { username: uniqueName(), password: 'another one', email: user.email.toUpperCase() } });
    expect(sameEmail.extensions).toMatchObject({ code: 'CONFLICT', fields: { email: 'is already taken' } });
  });

  it('lets only one of two simultaneous sign-ups with the same name through', async () => {
    const username = uniqueName();
    const results = await Promise.all([1, 2].map(() => app.client().request(REGISTER, { input: { username, password: 'simultaneous' } })));
    const codes = results.map((r) => r.errors?.[0]?.extensions?.code ?? 'OK').sort();
    expect(codes).toEqual(['CONFLICT', 'OK']);
  });

  it('signs in by username or by email, in any case', async () => {
    const user = await signUp(app);
    for (const name of [user.username, user.username.toUpperCase(), user.email, user.email.toUpperCase()]) {
      const data = await app.client().data(LOGIN, { input: { username: name, password: user.password } });
      expect(data.login.user.id).toBe(user.id);
    }
  });

  it('gives a wrong password and an unknown user the same UNAUTHENTICATED answer', async () => {
    const user = await signUp(app);
    const wrongPassword = await app.client().error(LOGIN, { input: { username: user.username, password: 'wrong password' } });
    const unknownUser = await app.client().error(LOGIN, { input: { username: uniqueName(), password: 'wrong password' } });
    const withoutRequestId = ({ extensions, ...rest }: typeof wrongPassword) => ({ ...rest, extensions: { ...extensions, requestId: undefined } });
    expect(withoutRequestId(wrongPassword)).toEqual(withoutRequestId(unknownUser));
    expect(wrongPassword).toMatchObject({ message: 'The username or password is not correct.', extensions: { code: 'UNAUTHENTICATED' } });
  });

  it('updates the username and email, refusing taken ones, and removes the email with an empty string', async () => {
    const user = await signUp(app);
    const other = await signUp(app);
    const newName = uniqueName();
    const UPDATE = 'mutation ($input: UpdateMeInput!) { updateMe(input: $input) { username email } }';
    expect(await user.client.data(UPDATE, { input: { username: newName, email: `${newName}@example.test` } })).toEqual({ updateMe: { username: newName, email: `${newName}@example.test` } });
    expect((await user.client.error(UPDATE, { input: { username: other.username } })).extensions).toMatchObject({ code: 'CONFLICT', fields: { username: 'is already taken' } });
    expect((await user.client.error(UPDATE, { input: { email: other.email } })).extensions).toMatchObject({ code: 'CONFLICT', fields: { email: 'is already taken' } });
    expect(await user.client.data(UPDATE, { input: { email: '' } })).toEqual({ updateMe: { username: newName, email: null } });
    const login = await app.client().data(LOGIN, { input: { username: newName, password: user.password } });
    expect(login.login.user.id).toBe(user.id);
  });

  it('checks an email address given to updateMe as strictly as one given at sign-up', async () => {
    const user = await signUp(app);
    const UPDATE = 'mutation ($input: UpdateMeInput!) { updateMe(input: $input) { email } }';
    for (const email of ['someone@localhost', 'someone@example..test']) {
      const atSignUp = await app.client().error(REGISTER, { input: { username: uniqueName(), password: 'long enough', email } });
      expect(atSignUp.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { email: 'must be an email address' } });
      const onUpdate = await user.client.error(UPDATE, { input: { email } });
      expect(onUpdate.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { email: 'must be an email address' } });
    }
    expect((await user.client.data('{ me { email } }')).me.email).toBe(user.email);
  });

  it('needs a signed-in user for the account mutations', async () => {
    for (const mutation of ['mutation { logout }', 'mutation { deleteMe(password: "x") }', 'mutation { updateMe(input: { username: "abc" }) { id } }']) {
      expect((await app.client().error(mutation)).extensions?.code).toBe('UNAUTHENTICATED');
    }
  });
});
