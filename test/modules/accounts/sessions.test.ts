import { generateKeyPairSync } from 'node:crypto';
import jwt from 'jsonwebtoken';
import WebSocket from 'ws';
import { startApp, testConfig, type TestApp } from '../../support/app';
import { signIn, signUp, signUpAdmin } from '../../support/accounts';

const secret = testConfig().auth.jwtSecret;
const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Claims like the server's own, for forging tokens the server must refuse. */
function claimsOf(token: string): Record<string, unknown> {
  return jwt.decode(token) as Record<string, unknown>;
}

/** Opens a graphql-ws socket, subscribes to the heartbeat, and reports how the socket ends. */
async function openSubscription(url: string, token: string): Promise<{ closed: Promise<{ code: number; reason: string }>; firstBeat: Promise<void> }> {
  const socket = new WebSocket(`${url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
  const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  let beat: () => void = () => undefined;
  const firstBeat = new Promise<void>((resolve) => (beat = resolve));
  socket.on('message', (raw) => {
    const message = JSON.parse(raw.toString()) as { type: string };
    if (message.type === 'connection_ack') socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: 'subscription { heartbeat(intervalSeconds: 60) }' } }));
    if (message.type === 'next') beat();
  });
  await new Promise((resolve) => socket.once('open', resolve));
  socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }));
  return { closed, firstBeat };
}

const REFRESH = 'mutation ($t: String!) { refreshToken(refreshToken: $t) { accessToken refreshToken user { id } } }';

describe('sessions and tokens', () => {
  let app: TestApp;
  let second: TestApp;
  beforeAll(async () => {
    app = await startApp();
    // A second instance on the same database and Redis (or the same in-process store), like two pods.
    second = await startApp();
  });
  afterAll(async () => {
    await app.close();
    await second.close();
  });

  describe('refuses tokens the server did not issue as they are', () => {
    let token: string;
    let claims: Record<string, unknown>;
    beforeAll(async () => {
      token = (await signUp(app)).accessToken;
      claims = claimsOf(token);
    });

    const forged = (): Array<[string, string]> => {
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const [header, , signature] = token.split('.');
      return [
        ['expired', jwt.sign({ ...claims, iat: Math.floor(Date.now() / 1000) - 3600, exp: Math.floor(Date.now() / 1000) - 10 }, secret, { algorithm: 'HS256' })],
        ['tampered (role raised, signature kept)', `${header}.${b64({ ...claims, role: 'ADMIN' })}.${signature}`],
        ['unsigned (alg: none)', `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...claims, role: 'ADMIN' })}.`],
        ['signed with HS512 and the right secret', jwt.sign(claims, secret, { algorithm: 'HS512' })],
        ['signed with RS256 by someone else', jwt.sign(claims, privateKey, { algorithm: 'RS256' })],
        ['signed with another secret', jwt.sign(claims, 'another-secret-of-at-least-32-bytes!!', { algorithm: 'HS256' })],
        ['not a JWT at all', 'garbage'],
      ];
    };

    it('over HTTP with 401 UNAUTHENTICATED', async () => {
      for (const [what, bad] of forged()) {
        const result = await app.client(bad).request('{ me { id } }');
        expect({ what, status: result.status, code: result.errors?.[0]?.extensions?.code }).toEqual({ what, status: 401, code: 'UNAUTHENTICATED' });
      }
      expect((await app.client(token).data('{ me { id } }')).me.id).toBe(claims.sub);
    });

    it('over WebSocket by closing with 4403', async () => {
      for (const [what, bad] of forged()) {
        const { closed } = await openSubscription(app.url, bad);
        expect({ what, ...(await closed) }).toEqual({ what, code: 4403, reason: expect.stringMatching(/^Forbidden: The access token is invalid or has expired/) });
      }
    });
  });

  it('rotates refresh tokens: the new pair works and the old refresh token is dead', async () => {
    const user = await signUp(app);
    const { refreshToken } = (await app.client().data(REFRESH, { t: user.refreshToken })).refreshToken;
    expect(refreshToken).not.toBe(user.refreshToken);
    const again = await app.client().data(REFRESH, { t: refreshToken });
    expect(again.refreshToken.user.id).toBe(user.id);
    expect(await app.client(again.refreshToken.accessToken).data('{ me { id } }')).toEqual({ me: { id: user.id } });
  });

  it('ends the whole sign-in when a used refresh token comes back (it leaked)', async () => {
    const user = await signUp(app);
    const rotated = (await app.client().data(REFRESH, { t: user.refreshToken })).refreshToken;
    const reuse = await app.client().error(REFRESH, { t: user.refreshToken });
    expect(reuse).toMatchObject({ message: 'The refresh token is invalid or has expired; sign in again.', extensions: { code: 'UNAUTHENTICATED' } });
    expect((await app.client().error(REFRESH, { t: rotated.refreshToken })).extensions?.code).toBe('UNAUTHENTICATED');
    expect((await second.client(rotated.accessToken).error('{ me { id } }')).extensions?.code).toBe('UNAUTHENTICATED');
    expect((await second.client(user.accessToken).error('{ me { id } }')).extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('lets only one of two simultaneous refreshes with the same token win', async () => {
    const user = await signUp(app);
    const results = await Promise.all([app, second].map((a) => a.client().request(REFRESH, { t: user.refreshToken })));
    expect(results.filter((r) => r.data?.refreshToken).length).toBe(1);
  });

  it('logs out: the access token and its refresh token stop at once, on every instance', async () => {
    const user = await signUp(app);
    const other = await signIn(app, user.username, user.password);
    expect(await user.client.data('mutation { logout }')).toEqual({ logout: true });
    expect((await second.client(user.accessToken).error('{ me { id } }')).message).toBe('This session has ended; sign in again.');
    expect((await second.client().error(REFRESH, { t: user.refreshToken })).extensions?.code).toBe('UNAUTHENTICATED');
    // Only that session: the user's other sign-in goes on.
    expect((await second.client(other.accessToken).data('{ me { id } }')).me.id).toBe(user.id);
  });

  it('changing the password ends the other sessions and keeps this one', async () => {
    const user = await signUp(app);
    const other = await signIn(app, user.username, user.password);
    const CHANGE = 'mutation ($input: ChangePasswordInput!) { changePassword(input: $input) }';
    const wrong = await user.client.error(CHANGE, { input: { currentPassword: 'not it', newPassword: 'brand new password' } });
    expect(wrong.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { currentPassword: 'is not correct' } });
    expect(await user.client.data(CHANGE, { input: { currentPassword: user.password, newPassword: 'brand new password' } })).toEqual({ changePassword: true });
    expect((await second.client(user.accessToken).data('{ me { id } }')).me.id).toBe(user.id);
    expect((await second.client(other.accessToken).error('{ me { id } }')).extensions?.code).toBe('UNAUTHENTICATED');
    expect((await app.client().error(REFRESH, { t: other.refreshToken })).extensions?.code).toBe('UNAUTHENTICATED');
    await expect(signIn(app, user.username, 'brand new password')).resolves.toMatchObject({ accessToken: expect.any(String) });
  });

  it('ends every session on every instance when an admin changes the role or the password is reset', async () => {
    const admin = await signUpAdmin(app);
    const promoted = await signUp(app);
    expect((await second.client(promoted.accessToken).data('{ me { id } }')).me.id).toBe(promoted.id);
    await admin.client.data('mutation ($id: ID!) { setUserRole(id: $id, role: ADMIN) { role } }', { id: promoted.id });
    expect((await second.client(promoted.accessToken).error('{ me { id } }')).extensions?.code).toBe('UNAUTHENTICATED');
    expect((await second.client().error(REFRESH, { t: promoted.refreshToken })).extensions?.code).toBe('UNAUTHENTICATED');

    const reset = await signUp(app);
    expect((await second.client(reset.accessToken).data('{ me { id } }')).me.id).toBe(reset.id);
    const { issuePasswordReset } = await admin.client.data('mutation ($id: ID!) { issuePasswordReset(userId: $id) { token } }', { id: reset.id });
    await app.client().data('mutation ($input: ResetPasswordInput!) { resetPassword(input: $input) }', { input: { token: issuePasswordReset.token, newPassword: 'after the reset' } });
    expect((await second.client(reset.accessToken).error('{ me { id } }')).extensions?.code).toBe('UNAUTHENTICATED');
    expect((await second.client().error(REFRESH, { t: reset.refreshToken })).extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('closes the open subscriptions of a deactivated user on every instance, and refuses the token after', async () => {
    const admin = await signUpAdmin(app);
    const user = await signUp(app);
    const onSecond = await openSubscription(second.url, user.accessToken);
    await onSecond.firstBeat;
    await admin.client.data('mutation ($id: ID!) { setUserActive(id: $id, isActive: false) { isActive } }', { id: user.id });
    expect(await onSecond.closed).toEqual({ code: 4403, reason: 'Forbidden: Your account was deactivated.' });
    expect((await second.client(user.accessToken).error('{ me { id } }')).extensions?.code).toBe('UNAUTHENTICATED');
    const { closed } = await openSubscription(app.url, user.accessToken);
    expect((await closed).code).toBe(4403);
  });

  it('closes the open subscriptions of a user who deletes their account', async () => {
    const user = await signUp(app);
    const open = await openSubscription(second.url, user.accessToken);
    await open.firstBeat;
    await user.client.data('mutation ($p: String!) { deleteMe(password: $p) }', { p: user.password });
    expect(await open.closed).toEqual({ code: 4403, reason: 'Forbidden: The account was deleted.' });
  });

  it('checks revocation again on every subscribe over an open socket', async () => {
    const user = await signUp(app);
    const client = second.client(user.accessToken).ws();
    try {
      const first = await new Promise((resolve, reject) => client.subscribe({ query: '{ me { id } }' }, { next: resolve, error: reject, complete: () => undefined }));
      expect(first).toEqual({ data: { me: { id: user.id } } });
      // Ending the session through the database only (no socket-closing event reaches this socket).
      await app.client(user.accessToken).data('mutation { logout }');
      const second_ = await new Promise((resolve) => client.subscribe({ query: '{ me { id } }' }, { next: resolve, error: resolve, complete: () => undefined }));
      expect(second_).toMatchObject({ code: 4403 });
    } finally {
      await client.dispose();
    }
  });
});
