import { startApp, type TestApp } from '../support/app';
import { take } from '../support/graphql';

describe('query limits', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp({ GRAPHQL_MAX_DEPTH: '2', GRAPHQL_MAX_ALIASES: '3', GRAPHQL_MAX_COST: '12' });
  });
  afterAll(() => app.close());

  it('runs an operation within every limit', async () => {
    const result = await app.client().request('{ a: serverInfo { name } b: serverInfo { version } }');
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ a: { name: 'mcp-agent-hub' }, b: { version: expect.any(String) } });
  });

  it('refuses an operation nested deeper than the limit, through fragments too, with a clear message', async () => {
    const result = await app.client().request('query Deep { ...F } fragment F on Query { serverInfo { ... on ServerInfo { name } } }');
    // serverInfo → name is 2 levels: allowed; now the limit is lowered to 1 by a second app.
    expect(result.errors).toBeUndefined();
    const strict = await startApp({ GRAPHQL_MAX_DEPTH: '1' });
    try {
      const refused = await strict.client().request('query Deep { ...F } fragment F on Query { serverInfo { name } }');
      expect(refused.status).toBe(400);
      expect(refused.errors?.[0]).toMatchObject({
        message: 'The operation is nested more than 1 levels deep, the limit.',
        extensions: { code: 'GRAPHQL_VALIDATION_FAILED', limit: 'depth', max: 1 },
      });
      expect(refused.data).toBeUndefined();
    } finally {
      await strict.close();
    }
  });

  it('does not count introspection towards the depth limit', async () => {
    const result = await app.client().request('{ __schema { types { fields { type { ofType { ofType { name } } } } } } }');
    expect(result.errors).toBeUndefined();
  });

  it('refuses more aliases than the limit', async () => {
    const result = await app.client().request('{ a: serverInfo { name } b: serverInfo { name } c: serverInfo { name } d: serverInfo { name } }');
    expect(result.status).toBe(400);
    expect(result.errors?.[0]).toMatchObject({
      message: 'The document uses more than 3 aliases; the limit is 3.',
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED', limit: 'aliases', max: 3 },
    });
  });

  it('refuses an operation whose estimated cost is over the limit, before running it', async () => {
    // 3 × (serverInfo + 3 fields) = 12 fits; a fourth field per selection does not.
    const fits = await app.client().request('{ a: serverInfo { name version time } b: serverInfo { name version time } c: serverInfo { name version time } }');
    expect(fits.errors).toBeUndefined();
    const over = await app.client().request('{ a: serverInfo { name version time } b: serverInfo { name version time } c: serverInfo { name version time __typename name } }');
    expect(over.status).toBe(400);
    expect(over.errors?.[0]).toMatchObject({ extensions: { code: 'GRAPHQL_VALIDATION_FAILED', limit: 'cost', max: 12, cost: 13 } });
    expect(over.errors?.[0].message).toMatch(/over the limit of 12/);
  });

  it('counts a list page as paginate() serves it: the default size when none is asked for, at most 100', async () => {
    const withoutFirst = await app.client().request('{ users { totalCount } }');
    expect(withoutFirst.errors?.[0]?.extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', limit: 'cost', cost: 21 });
    const huge = await app.client().request('{ users(first: 100000) { totalCount } }');
    expect(huge.errors?.[0]?.extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', limit: 'cost', cost: 101 });
    // A small page fits, and only then is the caller's right to the list checked.
    expect((await app.client().request('{ users(first: 5) { totalCount } }')).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('applies the same limits over WebSocket', async () => {
    const client = app.client().ws();
    try {
      const limitHit = async (query: string) => {
        const errors = (await take(client, query, {}, 1).then(() => [], (e: unknown) => e)) as Array<{ extensions?: { code?: string; limit?: string } }>;
        return errors.map((e) => `${e.extensions?.code}:${e.extensions?.limit}`);
      };
      expect(await limitHit('{ serverInfo { name } }')).toEqual([]);
      // Refused before anything runs: the depth counts even where the caller would not be allowed in.
      expect(await limitHit('{ users { edges { node { id } } } }')).toEqual(['GRAPHQL_VALIDATION_FAILED:depth']);
      expect(await limitHit('{ a: serverInfo { name } b: serverInfo { name } c: serverInfo { name } d: serverInfo { name } }')).toEqual(['GRAPHQL_VALIDATION_FAILED:aliases']);
      const overCost = '{ a: serverInfo { name version time } b: serverInfo { name version time } c: serverInfo { name version time __typename name } }';
      expect(await limitHit(overCost)).toEqual(['GRAPHQL_VALIDATION_FAILED:cost']);
      // The same error as over HTTP, without the HTTP status it carries there.
      const [costError] = (await take(client, overCost, {}, 1).catch((e: unknown) => e)) as Array<{ extensions?: Record<string, unknown> }>;
      expect(costError.extensions).toEqual({ code: 'GRAPHQL_VALIDATION_FAILED', limit: 'cost', max: 12, cost: 13, requestId: expect.any(String) });
    } finally {
      await client.dispose();
    }
  });

  it('refuses batched HTTP requests', async () => {
    const response = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ query: '{ serverInfo { name } }' }, { query: '{ serverInfo { name } }' }]),
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/batch/i);
  });

  it('refuses a cross-site simple GET (CSRF prevention) and a body that is not JSON', async () => {
    const get = await fetch(`${app.url}/graphql?query=${encodeURIComponent('{ serverInfo { name } }')}`);
    expect(get.status).toBe(400);
    expect(await get.text()).toMatch(/CSRF/i);
    const broken = await fetch(`${app.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
    expect(broken.status).toBe(400);
    expect(await broken.json()).toMatchObject({ errors: [{ message: 'The request body is not valid JSON.', extensions: { code: 'BAD_REQUEST' } }] });
  });
});
