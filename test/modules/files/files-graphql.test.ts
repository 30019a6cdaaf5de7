// The files query, file, deleteFile and deleteMe over GraphQL, with uploads made over HTTP as a UI makes them.
import { join } from 'node:path';
import { startApp, type TestApp } from '../../support/app';
import { signUp } from '../../support/accounts';
import { download, FILE_FIELDS, listFiles, treeOf, upload, workspaceOf } from './files-client';

let app: TestApp;
beforeAll(async () => {
  app = await startApp();
});
afterAll(() => app.close());

const DELETE_FILE = 'mutation ($id: ID!) { deleteFile(id: $id) }';
const FILE = `query ($id: ID!) { file(id: $id) { ${FILE_FIELDS} } }`;

async function uploadAll(token: string, paths: string[]): Promise<void> {
  for (const path of paths) expect((await upload(app, token, { name: 'x', bytes: `content of ${path}` }, { path })).status).toBe(201);
}

describe('the files query', () => {
  it("lists only the user's own files, newest first, in pages with a total", async () => {
    const user = await signUp(app);
    const other = await signUp(app);
    await uploadAll(user.accessToken, ['one.txt', 'two.txt', 'docs/three.md']);
    await uploadAll(other.accessToken, ['theirs.txt']);

    const first = await listFiles(user.client, { first: 2 });
    expect(first.totalCount).toBe(3);
    expect(first.edges.map((e) => e.node.path)).toEqual(['docs/three.md', 'two.txt']);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = await listFiles(user.client, { first: 2, after: first.pageInfo.endCursor! });
    expect(second.edges.map((e) => e.node.path)).toEqual(['one.txt']);
    expect(second.pageInfo.hasNextPage).toBe(false);
    expect(first.edges[0].node).toMatchObject({ size: 'content of docs/three.md'.length, mimeType: 'text/markdown', downloadUrl: `/files/${first.edges[0].node.id}` });
  });

  it('filters by an exact path prefix: case-sensitive, with % and _ as plain characters, Unicode included', async () => {
    const user = await signUp(app);
    await uploadAll(user.accessToken, ['reports/a.csv', 'reports/b.csv', 'Reports/c.csv', 'reportsx.txt', '100%_done.txt', '100x.txt', 'café/menu.txt', 'cafe/menu.txt']);
    const paths = async (prefix: string) => (await listFiles(user.client, { prefix })).edges.map((e) => e.node.path).sort();
    expect(await paths('reports/')).toEqual(['reports/a.csv', 'reports/b.csv']);
    expect(await paths('Reports/')).toEqual(['Reports/c.csv']);
    expect(await paths('reports')).toEqual(['reports/a.csv', 'reports/b.csv', 'reportsx.txt']);
    expect(await paths('100%_')).toEqual(['100%_done.txt']);
    expect(await paths('100_')).toEqual([]);
    expect(await paths('café/')).toEqual(['café/menu.txt']);
    expect((await listFiles(user.client, { prefix: 'reports/' })).totalCount).toBe(2);
  });

  it('gives download URLs on this server even when PUBLIC_URL names the chat UI elsewhere', async () => {
    const withUi = await startApp({ PUBLIC_URL: 'http://chat-ui.example.test:3000' });
    try {
      const user = await signUp(withUi);
      await upload(withUi, user.accessToken, { name: 'report.txt', bytes: 'quarterly' });
      const [edge] = (await listFiles(user.client)).edges;
      expect(new URL(edge.node.downloadUrl, withUi.url).origin).toBe(new URL(withUi.url).origin);
      expect((await download(withUi, user.accessToken, edge.node.downloadUrl)).bytes.toString()).toBe('quarterly');
    } finally {
      await withUi.close();
    }
  });

  it('needs a signed-in user', async () => {
    expect((await app.client().error('{ files { totalCount } }')).extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('file and deleteFile', () => {
  it('deletes the file: its row and its bytes, then answers NOT_FOUND', async () => {
    const user = await signUp(app);
    const file = (await upload(app, user.accessToken, { name: 'bye.txt', bytes: 'bye' })).body.file!;
    expect((await user.client.data(FILE, { id: file.id })).file).toMatchObject({ id: file.id, path: 'bye.txt' });
    expect(await user.client.data(DELETE_FILE, { id: file.id })).toEqual({ deleteFile: true });
    expect(await treeOf(workspaceOf(app, user.id))).toEqual([]);
    expect((await listFiles(user.client)).totalCount).toBe(0);
    expect((await user.client.data(FILE, { id: file.id })).file).toBeNull();
    expect((await download(app, user.accessToken, file.downloadUrl)).status).toBe(404);
    expect((await user.client.error(DELETE_FILE, { id: file.id })).extensions?.code).toBe('NOT_FOUND');
  });

  it("answers another user's file id exactly like a missing one, and leaves the file alone", async () => {
    const owner = await signUp(app);
    const stranger = await signUp(app);
    const file = (await upload(app, owner.accessToken, { name: 'mine.txt', bytes: 'mine' })).body.file!;
    const theirs = await stranger.client.error(DELETE_FILE, { id: file.id });
    const missing = await stranger.client.error(DELETE_FILE, { id: '01a22000-0000-7000-8000-000000000000' });
    expect(theirs.extensions?.code).toBe('NOT_FOUND');
    expect({ message: theirs.message, code: theirs.extensions?.code }).toEqual({ message: missing.message, code: missing.extensions?.code });
    expect((await stranger.client.data(FILE, { id: file.id })).file).toBeNull();
    expect((await download(app, owner.accessToken, file.downloadUrl)).bytes.toString()).toBe('mine');
  });
});

describe('deleteMe', () => {
  it("removes the user's file rows and their workspace folder", async () => {
    const user = await signUp(app);
    await uploadAll(user.accessToken, ['a.txt', 'deep/b.txt']);
    const folder = join(app.config.files.dir, user.id);
    expect(await treeOf(folder)).toContain('files/deep/b.txt');
    expect(await user.client.data('mutation ($password: String!) { deleteMe(password: $password) }', { password: user.password })).toEqual({ deleteMe: true });
    expect(await treeOf(folder)).toEqual([]);
    const rows = await app.orm.em.fork().getConnection().execute<Array<{ n: number }>>('select count(*) as n from `file` where user_id = ?', [user.id]);
    expect(Number(rows[0].n)).toBe(0);
  });

  it('keeps the files when the password is wrong', async () => {
    const user = await signUp(app);
    await uploadAll(user.accessToken, ['kept.txt']);
    expect((await user.client.error('mutation { deleteMe(password: "wrong password") }')).extensions?.code).toBe('BAD_USER_INPUT');
    expect((await listFiles(user.client)).totalCount).toBe(1);
    expect(await treeOf(workspaceOf(app, user.id))).toEqual(['kept.txt']);
  });
});
