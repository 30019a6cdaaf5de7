import { startApp, type TestApp } from '../../support/app';
import { signIn, signUp, signUpAdmin, uniqueName } from '../../support/accounts';

const USERS = 'query ($first: Int, $after: String, $filter: UserFilter) { users(first: $first, after: $after, filter: $filter) { totalCount edges { cursor node { id username role isActive } } pageInfo { hasNextPage endCursor } } }';
const SET_ACTIVE = 'mutation ($id: ID!, $isActive: Boolean!) { setUserActive(id: $id, isActive: $isActive) { id isActive } }';
const SET_ROLE = 'mutation ($id: ID!, $role: Role!) { setUserRole(id: $id, role: $role) { id role } }';

describe('admin user management', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(() => app.close());

  it('refuses every admin operation to a user (FORBIDDEN) and to a stranger (UNAUTHENTICATED)', async () => {
    const user = await signUp(app);
    const operations: Array<[string, Record<string, unknown>]> = [
      [USERS, {}],
      ['query ($id: ID!) { user(id: $id) { id } }', { id: user.id }],
      [SET_ACTIVE, { id: user.id, isActive: false }],
      [SET_ROLE, { id: user.id, role: 'ADMIN' }],
      ['mutation ($id: ID!) { issuePasswordReset(userId: $id) { token } }', { id: user.id }],
    ];
    for (const [query, variables] of operations) {
      expect((await user.client.error(query, variables)).extensions?.code).toBe('FORBIDDEN');
      expect((await app.client().error(query, variables)).extensions?.code).toBe('UNAUTHENTICATED');
    }
    // Nothing changed.
    expect((await user.client.data('{ me { role isActive } }')).me).toEqual({ role: 'USER', isActive: true });
  });

  it('lists users by name in pages, searches them and filters by role and activity', async () => {
    const admin = await signUpAdmin(app);
    const tag = uniqueName('tag');
    const names = ['c', 'a', 'b', 'd'].map((letter) => `${tag}_${letter}`);
    const users = [];
    for (const username of names) users.push(await signUp(app, { username }));
    await admin.client.data(SET_ACTIVE, { id: users[3].id, isActive: false });

    const first = (await admin.client.data(USERS, { first: 2, filter: { search: tag.toUpperCase() } })).users;
    expect(first.totalCount).toBe(4);
    expect(first.edges.map((e: { node: { username: string } }) => e.node.username)).toEqual([`${tag}_a`, `${tag}_b`]);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const next = (await admin.client.data(USERS, { first: 2, after: first.pageInfo.endCursor, filter: { search: tag } })).users;
    expect(next.edges.map((e: { node: { username: string } }) => e.node.username)).toEqual([`${tag}_c`, `${tag}_d`]);
    expect(next.pageInfo.hasNextPage).toBe(false);

    const inactive = (await admin.client.data(USERS, { filter: { search: tag, isActive: false } })).users;
    expect(inactive.edges.map((e: { node: { username: string } }) => e.node.username)).toEqual([`${tag}_d`]);
    const admins = (await admin.client.data(USERS, { first: 100, filter: { role: 'ADMIN' } })).users;
    expect(admins.edges.every((e: { node: { role: string } }) => e.node.role === 'ADMIN')).toBe(true);
    expect(admins.edges.some((e: { node: { id: string } }) => e.node.id === admin.id)).toBe(true);
    // LIKE wildcards in the search are literal characters.
    expect((await admin.client.data(USERS, { filter: { search: `${tag}%` } })).users.totalCount).toBe(0);
  });

  it('refuses a cursor that is not one, and caps pages at 100', async () => {
    const admin = await signUpAdmin(app);
    expect((await admin.client.error(USERS, { after: 'not-a-cursor' })).extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { after: 'is not a cursor of this list' } });
    // A forged cursor carrying a query operator instead of a value, or too many values.
    for (const forged of [[{ $ne: null }], ['a', 'b']]) {
      const cursor = Buffer.from(JSON.stringify(forged)).toString('base64url');
      expect((await admin.client.error(USERS, { after: cursor })).extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { after: 'is not a cursor of this list' } });
    }
    expect((await admin.client.error(USERS, { first: -1 })).extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { first: 'must not be negative' } });
    const many = (await admin.client.data(USERS, { first: 1000 })).users;
    expect(many.edges.length).toBeLessThanOrEqual(100);
  });

  it('finds one user by id, and null for an id that does not exist', async () => {
    const admin = await signUpAdmin(app);
    const user = await signUp(app);
    expect(await admin.client.data('query ($id: ID!) { user(id: $id) { id username } }', { id: user.id })).toEqual({ user: { id: user.id, username: user.username } });
    expect(await admin.client.data('query ($id: ID!) { user(id: $id) { id } }', { id: '00000000-0000-7000-8000-000000000000' })).toEqual({ user: null });
  });

  it('deactivates a user: their tokens stop at once and they cannot sign in until reactivated', async () => {
    const admin = await signUpAdmin(app);
    const user = await signUp(app);
    expect(await admin.client.data(SET_ACTIVE, { id: user.id, isActive: false })).toEqual({ setUserActive: { id: user.id, isActive: false } });
    expect((await user.client.error('{ me { id } }')).extensions?.code).toBe('UNAUTHENTICATED');
    await expect(signIn(app, user.username, user.password)).rejects.toThrow('This account has been deactivated.');
    await admin.client.data(SET_ACTIVE, { id: user.id, isActive: true });
    const back = await signIn(app, user.username, user.password);
    expect((await back.client.data('{ me { id isActive } }')).me).toEqual({ id: user.id, isActive: true });
  });

  it('changes a role: the user signs in again and has it', async () => {
    const admin = await signUpAdmin(app);
    const user = await signUp(app);
    expect(await admin.client.data(SET_ROLE, { id: user.id, role: 'ADMIN' })).toEqual({ setUserRole: { id: user.id, role: 'ADMIN' } });
    expect((await user.client.error('{ me { id } }')).extensions?.code).toBe('UNAUTHENTICATED');
    const promoted = await signIn(app, user.username, user.password);
    expect((await promoted.client.data(USERS, { first: 1 })).users.edges).toHaveLength(1);
  });

  it('answers NOT_FOUND for changes to a user that does not exist', async () => {
    const admin = await signUpAdmin(app);
    const missing = '00000000-0000-7000-8000-000000000000';
    expect((await admin.client.error(SET_ACTIVE, { id: missing, isActive: false })).extensions?.code).toBe('NOT_FOUND');
    expect((await admin.client.error(SET_ROLE, { id: missing, role: 'USER' })).extensions?.code).toBe('NOT_FOUND');
  });
});

describe('the last active admin', () => {
  it('cannot be demoted or deactivated, even by two admins demoting each other at the same time', async () => {
    // An app of its own with a database where this test's admins are the only ones: admins from
    // other tests in this worker's database would otherwise count.
    const app = await startApp();
    try {
      const em = app.orm.em.fork();
      const others = await em.getConnection().execute<Array<{ id: string }>>("select id from `user` where role = 'ADMIN' and is_active = ?", [true]);
      const a = await signUpAdmin(app);
      const b = await signUpAdmin(app);
      // Demote the admins other tests made, through the API, so that a and b are the last two.
      for (const { id } of others) await a.client.data(SET_ROLE, { id, role: 'USER' });

      const results = await Promise.all([a.client.request(SET_ROLE, { id: b.id, role: 'USER' }), b.client.request(SET_ROLE, { id: a.id, role: 'USER' })]);
      const outcomes = results.map((r) => r.errors?.[0]?.extensions?.code ?? 'OK');
      // One wins; the loser was either demoted first (its token died) or stopped by the last-admin rule.
      expect(outcomes.filter((o) => o === 'OK')).toHaveLength(1);
      expect(['UNAUTHENTICATED', 'CONFLICT']).toContain(outcomes.find((o) => o !== 'OK'));
      const remaining = await em.fork().getConnection().execute<Array<{ n: number }>>("select count(*) as n from `user` where role = 'ADMIN' and is_active = ?", [true]);
      expect(Number(remaining[0].n)).toBe(1);

      const last = outcomes[0] === 'OK' ? a : b;
      const session = await signIn(app, last.username, last.password);
      const demoteSelf = await session.client.error(SET_ROLE, { id: last.id, role: 'USER' });
      expect(demoteSelf).toMatchObject({ message: 'This is the last active admin: make another user an admin first.', extensions: { code: 'CONFLICT' } });
      const deactivateSelf = await session.client.error(SET_ACTIVE, { id: last.id, isActive: false });
      expect(deactivateSelf.extensions?.code).toBe('CONFLICT');
      const deleteSelf = await session.client.error('mutation ($p: String!) { deleteMe(password: $p) }', { p: last.password });
      expect(deleteSelf).toMatchObject({ message: 'This is the last active admin: make another user an admin first.', extensions: { code: 'CONFLICT' } });
      expect((await session.client.data('{ me { role isActive } }')).me).toEqual({ role: 'ADMIN', isActive: true });
    } finally {
      await app.close();
    }
  });
});
