import { createServer, type AddressInfo, type Socket } from 'node:net';
import { Mailer } from '../../../src/modules/accounts/mailer';
import type { Mail } from '../../../src/modules/accounts/mailer';
import { capturingLogger, startApp, type TestApp } from '../../support/app';
import { signIn, signUp, signUpAdmin, uniqueName } from '../../support/accounts';

const REQUEST = 'mutation ($email: String!) { requestPasswordReset(email: $email) }';
const RESET = 'mutation ($input: ResetPasswordInput!) { resetPassword(input: $input) }';

function nextMail(app: TestApp): Promise<Mail> {
  return new Promise((resolve) => app.container.get(Mailer).once('sent', resolve));
}

describe('password reset', () => {
  let app: TestApp;
  beforeAll(async () => {
    // nodemailer's JSON transport: mails are built for real and handed to the test instead of an SMTP server.
    app = await startApp({ SMTP_URL: 'json://', PUBLIC_URL: 'https://chat.example.test' });
  });
  afterAll(() => app.close());

  it('answers true for an unknown address and sends nothing', async () => {
    let sent = false;
    app.container.get(Mailer).once('sent', () => (sent = true));
    expect(await app.client().data(REQUEST, { email: `${uniqueName()}@example.test` })).toEqual({ requestPasswordReset: true });
    expect(sent).toBe(false);
  });

  it('mails a one-use link; the new password works and every old session ends', async () => {
    const user = await signUp(app);
    const mail = nextMail(app);
    expect(await app.client().data(REQUEST, { email: user.email.toUpperCase() })).toEqual({ requestPasswordReset: true });
    const { to, subject, text } = await mail;
    expect({ to, subject }).toEqual({ to: user.email, subject: 'Reset your password' });
    const token = decodeURIComponent(/https:\/\/chat\.example\.test\/reset-password\?token=(\S+)/.exec(text)![1]);

    expect(await app.client().data(RESET, { input: { token, newPassword: 'a fresh password' } })).toEqual({ resetPassword: true });
    expect((await user.client.error('{ me { id } }')).extensions?.code).toBe('UNAUTHENTICATED');
    await expect(signIn(app, user.username, user.password)).rejects.toThrow('The username or password is not correct.');
    await expect(signIn(app, user.username, 'a fresh password')).resolves.toMatchObject({ accessToken: expect.any(String) });

    const again = await app.client().error(RESET, { input: { token, newPassword: 'yet another one' } });
    expect(again.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { token: 'is invalid, used or expired' } });
  });

  it('refuses an expired token and a made-up one', async () => {
    const admin = await signUpAdmin(app);
    const user = await signUp(app);
    const { issuePasswordReset } = await admin.client.data('mutation ($id: ID!) { issuePasswordReset(userId: $id) { token expiresAt } }', { id: user.id });
    const minutes = (new Date(issuePasswordReset.expiresAt).getTime() - Date.now()) / 60_000;
    expect(minutes).toBeGreaterThan(29);
    expect(minutes).toBeLessThanOrEqual(30);
    await app.orm.em.fork().getConnection().execute('update password_reset set expires_at = ? where user_id = ?', [new Date(Date.now() - 1000), user.id]);
    expect((await app.client().error(RESET, { input: { token: issuePasswordReset.token, newPassword: 'too late now' } })).extensions?.code).toBe('BAD_USER_INPUT');
    expect((await app.client().error(RESET, { input: { token: 'made-up', newPassword: 'too late now' } })).extensions?.code).toBe('BAD_USER_INPUT');
    await expect(signIn(app, user.username, user.password)).resolves.toMatchObject({ accessToken: expect.any(String) });
  });

  it('lets an admin issue a reset that the user redeems', async () => {
    const admin = await signUpAdmin(app);
    const user = await signUp(app);
    const { issuePasswordReset } = await admin.client.data('mutation ($id: ID!) { issuePasswordReset(userId: $id) { token } }', { id: user.id });
    expect(await app.client().data(RESET, { input: { token: issuePasswordReset.token, newPassword: 'chosen by me' } })).toEqual({ resetPassword: true });
    await expect(signIn(app, user.username, 'chosen by me')).resolves.toMatchObject({ accessToken: expect.any(String) });
  });
});

describe('password reset with a mail server that does not answer', () => {
  it('answers true for a known address without waiting for the mail to go out', async () => {
    // It accepts the connection and never greets: an answer that waited for the mail would never come.
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const app = await startApp({ SMTP_URL: `smtp://127.0.0.1:${(silent.address() as AddressInfo).port}` });
    try {
      const user = await signUp(app);
      const mailing = new Promise((resolve) => silent.once('connection', resolve));
      expect(await app.client().data(REQUEST, { email: user.email })).toEqual({ requestPasswordReset: true });
      await mailing;
    } finally {
      await app.close();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});

describe('password reset without SMTP', () => {
  it('logs the reset link outside production instead of mailing it', async () => {
    const logs = capturingLogger('info');
    const app = await startApp({ PUBLIC_URL: 'https://chat.example.test' }, { logger: logs.logger });
    try {
      const user = await signUp(app);
      await app.client().data(REQUEST, { email: user.email });
      const line = logs.lines.find((l) => String(l.msg).startsWith('password reset link'));
      expect(line).toMatchObject({ userId: user.id, link: expect.stringMatching(/^https:\/\/chat\.example\.test\/reset-password\?token=/) });
      const token = decodeURIComponent(String(line!.link).split('token=')[1]);
      expect(await app.client().data(RESET, { input: { token, newPassword: 'from the log' } })).toEqual({ resetPassword: true });
    } finally {
      await app.close();
    }
  });
});
