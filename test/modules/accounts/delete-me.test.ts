import { startApp, type TestApp } from '../../support/app';
import { signIn, signUp } from '../../support/accounts';
import { rowsOwnedBy } from '../../support/db';

describe('deleting one’s own account', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(() => app.close());

  it('needs the password', async () => {
    const user = await signUp(app);
    const error = await user.client.error('mutation { deleteMe(password: "not mine") }');
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { password: 'is not correct' } });
    expect((await user.client.data('{ me { id } }')).me.id).toBe(user.id);
  });

  it('removes the user and everything they own, and ends their sessions', async () => {
    const user = await signUp(app);
    await signIn(app, user.username, user.password);
    await app.client().data('mutation ($e: String!) { requestPasswordReset(email: $e) }', { e: user.email });
    const before = await rowsOwnedBy(app, user.id);
    expect(before.user).toBe(1);
    expect(before.refresh_token).toBe(2);

    expect(await user.client.data('mutation ($p: String!) { deleteMe(password: $p) }', { p: user.password })).toEqual({ deleteMe: true });
    const after = await rowsOwnedBy(app, user.id);
    expect(Object.values(after).every((n) => n === 0)).toBe(true);
    expect(Object.keys(after)).toEqual(expect.arrayContaining(Object.keys(before)));

    expect((await user.client.error('{ me { id } }')).extensions?.code).toBe('UNAUTHENTICATED');
    await expect(signIn(app, user.username, user.password)).rejects.toThrow('The username or password is not correct.');
    // The name is free again.
    await expect(signUp(app, { username: user.username })).resolves.toMatchObject({ username: user.username });
  });
});
