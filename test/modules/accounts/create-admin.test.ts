import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { compileServer } from '../../support/compiled-server';
import { startApp, testEnv } from '../../support/app';
import { signIn, signUp, uniqueName } from '../../support/accounts';

function createAdmin(args: string[], env: Record<string, string>, input?: string) {
  return spawnSync(process.execPath, [join(compileServer(), 'scripts', 'create-admin.js'), ...args], {
    env: { ...process.env, ...testEnv(), ...env },
    input,
    encoding: 'utf8',
    timeout: 30_000,
  });
}

describe('npm run create-admin', () => {
  it('creates an admin with the password from ADMIN_PASSWORD, or piped in', async () => {
    const fromEnv = uniqueName('root');
    const piped = uniqueName('root');
    const first = createAdmin([fromEnv, '--email', `${fromEnv}@example.test`], { ADMIN_PASSWORD: 'from the environment' });
    expect(first.stderr).toBe('');
    expect(first.stdout).toMatch(new RegExp(`^created admin ${fromEnv} \\(`));
    expect(createAdmin([piped], {}, 'typed into stdin\n').status).toBe(0);

    const app = await startApp();
    try {
      for (const [name, password] of [[fromEnv, 'from the environment'], [piped, 'typed into stdin']]) {
        const session = await signIn(app, name, password);
        expect((await session.client.data('{ me { username role } }')).me).toEqual({ username: name, role: 'ADMIN' });
      }
    } finally {
      await app.close();
    }
  });

  it('lets a user promoted while the server runs sign in again at once, as an admin', async () => {
    const app = await startApp();
    try {
      const user = await signUp(app);
      // The server has seen this user (and keeps their record) before the command changes them.
      expect((await user.client.data('{ me { role } }')).me.role).toBe('USER');
      expect(createAdmin([user.username], { ADMIN_PASSWORD: 'whatever it is' }).status).toBe(0);
      const session = await signIn(app, user.username, user.password);
      expect((await session.client.data('{ me { role } }')).me.role).toBe('ADMIN');
    } finally {
      await app.close();
    }
  });

  it('promotes an existing user and refuses a short password', async () => {
    const app = await startApp();
    try {
      const user = await signUp(app);
      expect(createAdmin([user.username], { ADMIN_PASSWORD: 'whatever it is' }).stdout).toBe(`${user.username} is an active admin; the password was left as it was\n`);
      expect((await (await signIn(app, user.username, user.password)).client.data('{ me { role } }')).me.role).toBe('ADMIN');
      const short = createAdmin([uniqueName()], { ADMIN_PASSWORD: 'short' });
      expect({ status: short.status, stderr: short.stderr }).toEqual({ status: 1, stderr: 'create-admin failed: the password must be 8 to 256 characters\n' });
    } finally {
      await app.close();
    }
  });
});
