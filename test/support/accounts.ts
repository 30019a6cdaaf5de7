// Users for tests, signed up through the API as clients do; admins made the way `create-admin` makes them.
import { randomBytes } from 'node:crypto';
import { AccountService } from '../../src/modules/accounts';
import type { TestApp } from './app';
import type { GraphqlClient } from './graphql';

export interface TestUser {
  id: string;
  username: string;
  password: string;
  email: string;
  accessToken: string;
  refreshToken: string;
  client: GraphqlClient;
}

export const uniqueName = (prefix = 'u') => `${prefix}_${randomBytes(6).toString('hex')}`;

export const AUTH_FIELDS = 'accessToken accessTokenExpiresAt refreshToken user { id username email role isActive createdAt updatedAt }';

export async function signUp(app: TestApp, overrides: { username?: string; password?: string; email?: string } = {}): Promise<TestUser> {
  const username = overrides.username ?? uniqueName();
  const password = overrides.password ?? `pw-${randomBytes(8).toString('hex')}`;
  const email = overrides.email ?? `${username}@example.test`;
  const data = await app.client().data<{ register: { accessToken: string; refreshToken: string; user: { id: string } } }>(
    `mutation ($input: RegisterInput!) { register(input: $input) { ${AUTH_FIELDS} } }`,
    { input: { username, password, email } },
  );
  const { accessToken, refreshToken, user } = data.register;
  return { id: user.id, username, password, email, accessToken, refreshToken, client: app.client(accessToken) };
}

export async function signIn(app: TestApp, username: string, password: string): Promise<{ accessToken: string; refreshToken: string; client: GraphqlClient }> {
  const data = await app.client().data<{ login: { accessToken: string; refreshToken: string } }>(
    `mutation ($input: LoginInput!) { login(input: $input) { accessToken refreshToken } }`,
    { input: { username, password } },
  );
  return { ...data.login, client: app.client(data.login.accessToken) };
}

/** An active admin, made as `npm run create-admin` makes one, then signed in through the API. */
export async function signUpAdmin(app: TestApp): Promise<TestUser> {
  const username = uniqueName('admin');
  const password = `pw-${randomBytes(8).toString('hex')}`;
  const email = `${username}@example.test`;
  const { user } = await app.container.get(AccountService).ensureAdmin(app.orm.em.fork(), { username, password, email });
  const session = await signIn(app, username, password);
  return { id: user.id, username, password, email, ...session };
}
