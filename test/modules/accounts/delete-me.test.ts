import { startApp, type TestApp } from '../../support/app';
import { signIn, signUp } from '../../support/accounts';
import { rowsOwnedBy } from '../../support/db';
import { createLlmConfig } from '../../support/llm-configs';
import { createServer, httpInput } from '../../support/mcp-api';
import { treeOf, upload, workspaceOf } from '../files/files-client';

describe('deleting one’s own account', () => {
  let app: TestApp;
  beforeAll(async () => {
    // Nothing listens there; the configs only have to be stored.
    app = await startApp({ ALLOWED_PRIVATE_HOSTS: '127.0.0.1:9' });
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
    await createLlmConfig(user.client, 'http://127.0.0.1:9/v1');
    await createServer(user.client, httpInput('http://127.0.0.1:9/mcp'));
    expect((await upload(app, user.accessToken, { name: 'notes.txt', bytes: 'gone with the account' })).status).toBe(201);
    const before = await rowsOwnedBy(app, user.id);
    expect(before).toEqual({ user: 1, refresh_token: 2, password_reset: 1, llm_config: 1, mcp_server: 1, file: 1 });
    expect(await treeOf(workspaceOf(app, user.id))).toEqual(['notes.txt']);

    expect(await user.client.data('mutation ($p: String!) { deleteMe(password: $p) }', { p: user.password })).toEqual({ deleteMe: true });
    const after = await rowsOwnedBy(app, user.id);
    expect(Object.values(after).every((n) => n === 0)).toBe(true);
    expect(Object.keys(after)).toEqual(expect.arrayContaining(Object.keys(before)));
    expect(await treeOf(workspaceOf(app, user.id))).toEqual([]);

    expect((await user.client.error('{ me { id } }')).extensions?.code).toBe('UNAUTHENTICATED');
    await expect(signIn(app, user.username, user.password)).rejects.toThrow('The username or password is not correct.');
    // The name is free again.
    await expect(signUp(app, { username: user.username })).resolves.toMatchObject({ username: user.username });
  });
});
