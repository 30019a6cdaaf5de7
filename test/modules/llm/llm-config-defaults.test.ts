import { startApp, type TestApp } from '../../support/app';
import { signUp, type TestUser } from '../../support/accounts';
import { CREATE_LLM_CONFIG, createLlmConfig, LLM_CONFIGS, UPDATE_LLM_CONFIG, type LlmConfigView } from '../../support/llm-configs';

const DEFAULT = '{ defaultLlmConfig { id name isDefault } }';
const SET_DEFAULT = 'mutation ($id: ID!) { setDefaultLlmConfig(id: $id) { id name isDefault } }';
const DELETE = 'mutation ($id: ID!) { deleteLlmConfig(id: $id) }';
// Never reached: these tests only store configs.
const BASE_URL = 'http://127.0.0.1:9/v1';

let app: TestApp;

beforeAll(async () => {
  app = await startApp({ ALLOWED_PRIVATE_HOSTS: '127.0.0.1:9' });
});

afterAll(() => app.close());

/** The ids of the user's default configs, as the database holds them. */
async function defaultsInDatabase(userId: string): Promise<string[]> {
  const rows = await app.orm.em.fork().getConnection().execute<Array<{ id: string }>>('select id from llm_config where default_for_user = ?', [userId]);
  return rows.map((row) => row.id);
}

/** The ids of the user's configs the API shows as default. */
async function defaultsShown(user: TestUser): Promise<string[]> {
  const configs = (await user.client.data<{ llmConfigs: LlmConfigView[] }>(LLM_CONFIGS)).llmConfigs;
  return configs.filter((config) => config.isDefault).map((config) => config.id);
}

const defaultOf = async (user: TestUser) => (await user.client.data<{ defaultLlmConfig: { id: string } | null }>(DEFAULT)).defaultLlmConfig?.id ?? null;

describe('the default LLM config', () => {
  it('is null until the user has a config, then the first one they make', async () => {
    const user = await signUp(app);
    expect(await defaultOf(user)).toBeNull();
    const first = await createLlmConfig(user.client, BASE_URL, { isDefault: false });
    const second = await createLlmConfig(user.client, BASE_URL);
    expect(first.isDefault).toBe(true);
    expect(second.isDefault).toBe(false);
    expect(await defaultOf(user)).toBe(first.id);
    expect(await defaultsShown(user)).toEqual([first.id]);
  });

  it('moves to a config created or updated with isDefault, and to the one setDefaultLlmConfig names', async () => {
    const user = await signUp(app);
    const first = await createLlmConfig(user.client, BASE_URL);
    const second = await createLlmConfig(user.client, BASE_URL, { isDefault: true });
    expect(second.isDefault).toBe(true);
    expect(await defaultsShown(user)).toEqual([second.id]);

    const updated = (await user.client.data(UPDATE_LLM_CONFIG, { id: first.id, input: { isDefault: true } })).updateLlmConfig;
    expect(updated.isDefault).toBe(true);
    expect(await defaultsShown(user)).toEqual([first.id]);

    expect((await user.client.data(SET_DEFAULT, { id: second.id })).setDefaultLlmConfig).toMatchObject({ id: second.id, isDefault: true });
    expect(await defaultOf(user)).toBe(second.id);
    // Asking again changes nothing.
    expect((await user.client.data(SET_DEFAULT, { id: second.id })).setDefaultLlmConfig.isDefault).toBe(true);
    expect(await defaultsInDatabase(user.id)).toEqual([second.id]);
  });

  it('cannot be unset, only replaced; isDefault false on another config changes nothing', async () => {
    const user = await signUp(app);
    const first = await createLlmConfig(user.client, BASE_URL);
    const second = await createLlmConfig(user.client, BASE_URL);
    const error = await user.client.error(UPDATE_LLM_CONFIG, { id: first.id, input: { isDefault: false, name: 'not applied' } });
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { isDefault: 'cannot be unset: make another config the default instead' } });
    expect((await user.client.data(UPDATE_LLM_CONFIG, { id: second.id, input: { isDefault: false } })).updateLlmConfig.isDefault).toBe(false);
    expect(await defaultsShown(user)).toEqual([first.id]);
    expect((await user.client.data<{ llmConfigs: LlmConfigView[] }>(LLM_CONFIGS)).llmConfigs.map((c) => c.name)).not.toContain('not applied');
  });

  it('passes, when the default is deleted, to the newest other config; and is gone with the last one', async () => {
    const user = await signUp(app);
    const oldest = await createLlmConfig(user.client, BASE_URL);
    const middle = await createLlmConfig(user.client, BASE_URL);
    const newest = await createLlmConfig(user.client, BASE_URL);
    await user.client.data(DELETE, { id: oldest.id });
    expect(await defaultOf(user)).toBe(newest.id);
    // Deleting another config leaves the default where it is.
    await user.client.data(SET_DEFAULT, { id: middle.id });
    await user.client.data(DELETE, { id: newest.id });
    expect(await defaultOf(user)).toBe(middle.id);
    await user.client.data(DELETE, { id: middle.id });
    expect(await defaultOf(user)).toBeNull();
    expect(await defaultsInDatabase(user.id)).toEqual([]);
    // And the next config is the default again.
    expect((await createLlmConfig(user.client, BASE_URL)).isDefault).toBe(true);
  });

  it('is one config, never two, after a dozen setDefaultLlmConfig calls at once', async () => {
    const user = await signUp(app);
    const configs: LlmConfigView[] = [];
    for (let i = 0; i < 12; i++) configs.push(await createLlmConfig(user.client, BASE_URL));
    const answers = await Promise.all(configs.map((config) => user.client.request(SET_DEFAULT, { id: config.id })));
    expect(answers.flatMap((answer) => answer.errors ?? [])).toEqual([]);
    const [winner] = await defaultsInDatabase(user.id);
    expect(await defaultsInDatabase(user.id)).toHaveLength(1);
    expect(await defaultsShown(user)).toEqual([winner]);
    expect(await defaultOf(user)).toBe(winner);
  });

  it('is exactly one of a dozen first configs created at once', async () => {
    const user = await signUp(app);
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) => user.client.request<{ createLlmConfig: LlmConfigView }>(CREATE_LLM_CONFIG, { input: { name: `racer ${i}`, modelName: 'm', baseUrl: BASE_URL } })),
    );
    expect(answers.flatMap((answer) => answer.errors ?? [])).toEqual([]);
    const created = answers.map((answer) => answer.data!.createLlmConfig);
    expect(created.filter((config) => config.isDefault)).toHaveLength(1);
    expect(await defaultsInDatabase(user.id)).toEqual(created.filter((config) => config.isDefault).map((config) => config.id));
  });

  it('is exactly one after a dozen configs created at once with isDefault, while the default is being set elsewhere', async () => {
    const user = await signUp(app);
    const existing = await createLlmConfig(user.client, BASE_URL);
    const other = await createLlmConfig(user.client, BASE_URL);
    const answers = await Promise.all([
      ...Array.from({ length: 12 }, (_, i) => user.client.request(CREATE_LLM_CONFIG, { input: { name: `eager ${i}`, modelName: 'm', baseUrl: BASE_URL, isDefault: true } })),
      user.client.request(SET_DEFAULT, { id: other.id }),
      user.client.request(SET_DEFAULT, { id: existing.id }),
    ]);
    expect(answers.flatMap((answer) => answer.errors ?? [])).toEqual([]);
    const defaults = await defaultsInDatabase(user.id);
    expect(defaults).toHaveLength(1);
    expect(await defaultsShown(user)).toEqual(defaults);
  });

  it('is one config after parallel deletes of the default and setDefaultLlmConfig calls', async () => {
    const user = await signUp(app);
    const configs: LlmConfigView[] = [];
    for (let i = 0; i < 8; i++) configs.push(await createLlmConfig(user.client, BASE_URL));
    const [, ...rest] = configs;
    const answers = await Promise.all([
      user.client.request(DELETE, { id: configs[0].id }),
      ...rest.slice(0, 4).map((config) => user.client.request(DELETE, { id: config.id })),
      ...rest.slice(4).map((config) => user.client.request(SET_DEFAULT, { id: config.id })),
    ]);
    expect(answers.flatMap((answer) => answer.errors ?? [])).toEqual([]);
    const defaults = await defaultsInDatabase(user.id);
    expect(defaults).toHaveLength(1);
    expect(rest.slice(4).map((config) => config.id)).toContain(defaults[0]);
  });
});
