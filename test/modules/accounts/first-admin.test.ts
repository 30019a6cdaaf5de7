import { startApp } from '../../support/app';
import { signIn, signUp, signUpAdmin, uniqueName } from '../../support/accounts';

describe('the first admin from ADMIN_USERNAME and ADMIN_PASSWORD', () => {
  it('is created at start-up when missing', async () => {
    const username = uniqueName('boss');
    const app = await startApp({ ADMIN_USERNAME: username, ADMIN_PASSWORD: 'first admin password', ADMIN_EMAIL: `${username}@example.test` });
    try {
      const session = await signIn(app, username, 'first admin password');
      expect((await session.client.data('{ me { username email role isActive } }')).me).toEqual({ username, email: `${username}@example.test`, role: 'ADMIN', isActive: true });
    } finally {
      await app.close();
    }
  });

  it('promotes and reactivates an existing user of that name, keeping their password', async () => {
    const plain = await startApp();
    const user = await signUp(plain);
    const admin = await signUpAdmin(plain);
    await admin.client.data('mutation ($id: ID!) { setUserActive(id: $id, isActive: false) { isActive } }', { id: user.id });
    await plain.close();
    const app = await startApp({ ADMIN_USERNAME: user.username, ADMIN_PASSWORD: 'ignored for an existing user' });
    try {
      const session = await signIn(app, user.username, user.password);
      expect((await session.client.data('{ me { id role isActive } }')).me).toEqual({ id: user.id, role: 'ADMIN', isActive: true });
    } finally {
      await app.close();
    }
  });
});
