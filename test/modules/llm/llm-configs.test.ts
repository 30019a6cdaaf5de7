import { randomUUID } from 'node:crypto';
import type { TestApp } from '../../support/app';
import { signUp } from '../../support/accounts';
import { rowsOwnedBy } from '../../support/db';
import { reply, startFakeLlm, type FakeLlm } from '../../support/fake-llm';
import { CREATE_LLM_CONFIG, createLlmConfig, LLM_CONFIG_FIELDS, LLM_CONFIGS, startLoggedApp, UPDATE_LLM_CONFIG, type LlmConfigView } from '../../support/llm-configs';

const LLM_CONFIG = `query ($id: ID!) { llmConfig(id: $id) { ${LLM_CONFIG_FIELDS} } }`;
const DELETE = 'mutation ($id: ID!) { deleteLlmConfig(id: $id) }';
const SET_DEFAULT = 'mutation ($id: ID!) { setDefaultLlmConfig(id: $id) { id isDefault } }';
const TEST = 'mutation ($id: ID!) { testLlmConfig(id: $id) { ok latencyMs model error upstreamStatus } }';

let fake: FakeLlm;
let app: TestApp & { lines: string[] };

beforeAll(async () => {
  fake = await startFakeLlm();
  app = await startLoggedApp({ ALLOWED_PRIVATE_HOSTS: `127.0.0.1:${fake.port}`, LLM_MAX_RETRIES: '0' });
});

afterAll(async () => {
  await app.close();
  await fake.close();
});

async function rawRow(id: string): Promise<Record<string, unknown>> {
  const [row] = await app.orm.em.fork().getConnection().execute<Array<Record<string, unknown>>>('select * from llm_config where id = ?', [id]);
  return row;
}

describe('LLM config CRUD', () => {
  it('creates a config with the defaults filled in and reads it back, alone in its owner\'s list', async () => {
    const user = await signUp(app);
    const created = await createLlmConfig(user.client, fake.url, { name: 'Local Llama', modelName: 'llama3.1:8b' });
    expect(created).toMatchObject({
      name: 'Local Llama',
      provider: 'CUSTOM',
      modelName: 'llama3.1:8b',
      baseUrl: fake.url,
      hasApiKey: false,
      apiKeyHint: null,
      maxTokens: null,
      temperature: null,
      topP: null,
      timeoutMs: null,
      textToolCalls: false,
      isDefault: true,
    });
    expect(new Date(created.createdAt).getTime()).toBeLessThanOrEqual(new Date(created.updatedAt).getTime());
    expect((await user.client.data(LLM_CONFIG, { id: created.id })).llmConfig).toEqual(created);
    expect((await user.client.data(LLM_CONFIGS)).llmConfigs).toEqual([created]);
  });

  it('keeps every setting given at creation, trimmed', async () => {
    const user = await signUp(app);
    const created = await createLlmConfig(user.client, ` ${fake.url} `, {
      name: '  Work  ',
      provider: 'LOCAL',
      modelName: ' qwen2.5 ',
      maxTokens: 512,
      temperature: 0.7,
      topP: 0.9,
      timeoutMs: 30_000,
      textToolCalls: true,
    });
    expect(created).toMatchObject({ name: 'Work', provider: 'LOCAL', modelName: 'qwen2.5', baseUrl: fake.url, maxTokens: 512, temperature: 0.7, topP: 0.9, timeoutMs: 30_000, textToolCalls: true });
  });

  it('lists a user\'s configs by name, whatever the case', async () => {
    const user = await signUp(app);
    for (const name of ['beta', 'Gamma', 'alpha']) await createLlmConfig(user.client, fake.url, { name });
    const names = (await user.client.data<{ llmConfigs: LlmConfigView[] }>(LLM_CONFIGS)).llmConfigs.map((c) => c.name);
    expect(names).toEqual(['alpha', 'beta', 'Gamma']);
  });

  it('changes only the fields an update gives; a null number goes back to the endpoint default', async () => {
    const user = await signUp(app);
    const created = await createLlmConfig(user.client, fake.url, { maxTokens: 100, temperature: 0.5, topP: 0.8, timeoutMs: 5000 });
    const renamed = (await user.client.data(UPDATE_LLM_CONFIG, { id: created.id, input: { name: 'Renamed', temperature: null, textToolCalls: true } })).updateLlmConfig;
    expect(renamed).toMatchObject({ ...created, name: 'Renamed', temperature: null, textToolCalls: true, updatedAt: expect.any(String) });
    expect(new Date(renamed.updatedAt).getTime()).toBeGreaterThanOrEqual(new Date(created.updatedAt).getTime());

    const moved = (await user.client.data(UPDATE_LLM_CONFIG, { id: created.id, input: { provider: 'LOCAL', modelName: 'other-model', maxTokens: null, topP: 1, timeoutMs: null } })).updateLlmConfig;
    expect(moved).toMatchObject({ name: 'Renamed', provider: 'LOCAL', modelName: 'other-model', maxTokens: null, temperature: null, topP: 1, timeoutMs: null, textToolCalls: true });
    expect((await user.client.data(LLM_CONFIG, { id: created.id })).llmConfig).toEqual(moved);
  });

  it('defaults an OPENAI config to OpenAI\'s base URL, and needs one for the other providers', async () => {
    const user = await signUp(app);
    const openai = await createLlmConfig(user.client, '', { provider: 'OPENAI', modelName: 'gpt-4o-mini', apiKey: 'sk-openai-0123456789abcdef' });
    expect(openai.baseUrl).toBe('https://api.openai.com/v1');
    const refused = await user.client.error(CREATE_LLM_CONFIG, { input: { name: 'no url', modelName: 'm', provider: 'LOCAL' } });
    expect(refused.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { baseUrl: expect.stringContaining('is required for the LOCAL provider') } });

    const local = await createLlmConfig(user.client, fake.url);
    const emptied = await user.client.error(UPDATE_LLM_CONFIG, { id: local.id, input: { baseUrl: '' } });
    expect(emptied.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { baseUrl: expect.stringContaining('is required for the CUSTOM provider') } });
    // Switching to OPENAI with an empty URL takes OpenAI's.
    const switched = (await user.client.data(UPDATE_LLM_CONFIG, { id: local.id, input: { provider: 'OPENAI', baseUrl: '' } })).updateLlmConfig;
    expect(switched.baseUrl).toBe('https://api.openai.com/v1');
  });

  it('deletes a config: it is gone from the list and its id answers nothing', async () => {
    const user = await signUp(app);
    const kept = await createLlmConfig(user.client, fake.url);
    const deleted = await createLlmConfig(user.client, fake.url);
    expect((await user.client.data(DELETE, { id: deleted.id })).deleteLlmConfig).toBe(true);
    expect((await user.client.data(LLM_CONFIG, { id: deleted.id })).llmConfig).toBeNull();
    expect((await user.client.data<{ llmConfigs: LlmConfigView[] }>(LLM_CONFIGS)).llmConfigs.map((c) => c.id)).toEqual([kept.id]);
    expect((await user.client.error(DELETE, { id: deleted.id })).extensions?.code).toBe('NOT_FOUND');
  });

  it('asks a stranger to sign in for every operation', async () => {
    const stranger = app.client();
    const id = randomUUID();
    const operations: Array<[string, Record<string, unknown>]> = [
      [LLM_CONFIGS, {}],
      [LLM_CONFIG, { id }],
      ['{ defaultLlmConfig { id } }', {}],
      [CREATE_LLM_CONFIG, { input: { name: 'x', modelName: 'm', baseUrl: fake.url } }],
      [UPDATE_LLM_CONFIG, { id, input: { name: 'y' } }],
      [DELETE, { id }],
      [SET_DEFAULT, { id }],
      [TEST, { id }],
    ];
    for (const [query, variables] of operations) expect((await stranger.error(query, variables)).extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('LLM config validation', () => {
  const invalid: Array<[string, Record<string, unknown>, string, string]> = [
    ['a blank name', { name: '   ' }, 'name', 'must be 1 to 100 characters, not all blank'],
    ['a name over 100 characters', { name: 'n'.repeat(101) }, 'name', 'must be 1 to 100 characters, not all blank'],
    ['an empty model name', { modelName: '' }, 'modelName', 'must be 1 to 200 characters, not all blank'],
    ['a temperature above 2', { temperature: 2.5 }, 'temperature', 'must be from 0 to 2'],
    ['a negative temperature', { temperature: -0.1 }, 'temperature', 'must be from 0 to 2'],
    ['a topP above 1', { topP: 1.01 }, 'topP', 'must be from 0 to 1'],
    ['maxTokens of 0', { maxTokens: 0 }, 'maxTokens', 'must be from 1 to 1000000'],
    ['maxTokens over a million', { maxTokens: 1_000_001 }, 'maxTokens', 'must be from 1 to 1000000'],
    ['a timeout under a second', { timeoutMs: 999 }, 'timeoutMs', 'must be from 1000 to 3600000'],
  ];
  it.each(invalid)('refuses %s, naming the field, on create and on update', async (_what, fields, field, message) => {
    const user = await signUp(app);
    const created = await createLlmConfig(user.client, fake.url);
    const onCreate = await user.client.error(CREATE_LLM_CONFIG, { input: { name: 'valid', modelName: 'm', baseUrl: fake.url, ...fields } });
    expect(onCreate.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { [field]: message } });
    const onUpdate = await user.client.error(UPDATE_LLM_CONFIG, { id: created.id, input: fields });
    expect(onUpdate.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { [field]: message } });
    expect((await user.client.data(LLM_CONFIGS)).llmConfigs).toEqual([created]);
  });

  it.each([
    ['ftp://files.example.com/v1', 'only http and https URLs are allowed'],
    ['not a url', 'is not a valid URL'],
    ['https://user:secret@api.example.com/v1', 'must not contain a user name or password'],
  ])('refuses the base URL %s and says why', async (baseUrl, why) => {
    const user = await signUp(app);
    const error = await user.client.error(CREATE_LLM_CONFIG, { input: { name: 'bad url', modelName: 'm', baseUrl } });
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { baseUrl: expect.stringContaining(why) } });
  });

  it('refuses a second config of the same name in any case, but not another user\'s', async () => {
    const user = await signUp(app);
    const other = await signUp(app);
    const first = await createLlmConfig(user.client, fake.url, { name: 'Ollama' });
    const second = await createLlmConfig(user.client, fake.url, { name: 'vLLM' });
    const duplicate = await user.client.error(CREATE_LLM_CONFIG, { input: { name: 'OLLAMA', modelName: 'm', baseUrl: fake.url } });
    expect(duplicate.extensions).toMatchObject({ code: 'CONFLICT', fields: { name: 'is already the name of another of your configs' } });
    const renamed = await user.client.error(UPDATE_LLM_CONFIG, { id: second.id, input: { name: ' ollama ' } });
    expect(renamed.extensions).toMatchObject({ code: 'CONFLICT', fields: { name: 'is already the name of another of your configs' } });
    // Renaming a config to its own name in another case is no conflict.
    expect((await user.client.data(UPDATE_LLM_CONFIG, { id: first.id, input: { name: 'OLLAMA' } })).updateLlmConfig.name).toBe('OLLAMA');
    expect((await createLlmConfig(other.client, fake.url, { name: 'Ollama' })).name).toBe('Ollama');
  });
});

describe('LLM config ownership', () => {
  it('answers another user\'s config id exactly as an id that does not exist, and leaves the config alone', async () => {
    const owner = await signUp(app);
    const intruder = await signUp(app);
    await createLlmConfig(intruder.client, fake.url);
    const config = await createLlmConfig(owner.client, fake.url, { apiKey: 'sk-owner-key-0123456789' });
    const requestsBefore = fake.requests.length;
    for (const id of [config.id, randomUUID()]) {
      expect((await intruder.client.data(LLM_CONFIG, { id })).llmConfig).toBeNull();
      expect((await intruder.client.error(UPDATE_LLM_CONFIG, { id, input: { name: 'mine now' } })).extensions?.code).toBe('NOT_FOUND');
      expect((await intruder.client.error(DELETE, { id })).extensions?.code).toBe('NOT_FOUND');
      expect((await intruder.client.error(SET_DEFAULT, { id })).extensions?.code).toBe('NOT_FOUND');
      expect((await intruder.client.error(TEST, { id })).extensions?.code).toBe('NOT_FOUND');
    }
    expect((await intruder.client.data<{ llmConfigs: LlmConfigView[] }>(LLM_CONFIGS)).llmConfigs.map((c) => c.id)).not.toContain(config.id);
    expect((await owner.client.data(LLM_CONFIG, { id: config.id })).llmConfig).toEqual(config);
    expect(fake.requests).toHaveLength(requestsBefore);
  });

  it('deletes the user\'s configs with the account', async () => {
    const user = await signUp(app);
    await createLlmConfig(user.client, fake.url);
    await createLlmConfig(user.client, fake.url);
    expect((await rowsOwnedBy(app, user.id)).llm_config).toBe(2);
    expect((await user.client.data('mutation ($p: String!) { deleteMe(password: $p) }', { p: user.password })).deleteMe).toBe(true);
    expect((await rowsOwnedBy(app, user.id)).llm_config).toBe(0);
  });
});

describe('LLM config API keys', () => {
  const key = 'sk-test-SECRET-4f9a2b7c1d3e5f60';
  const replacement = 'sk-test-OTHER-98a7b6c5d4e3f2a1';

  it('shows a key only as hasApiKey and its last 4 characters, stores it encrypted, and sends it to the endpoint', async () => {
    const user = await signUp(app);
    const responses: unknown[] = [];
    const created = await createLlmConfig(user.client, fake.url, { apiKey: key });
    responses.push(created);
    expect(created).toMatchObject({ hasApiKey: true, apiKeyHint: '5f60' });

    const row = await rawRow(created.id);
    expect(JSON.stringify(row)).not.toContain(key);
    expect(String(row.api_key_encrypted)).toMatch(/^v1:/);

    responses.push((await user.client.request(LLM_CONFIGS)).data);
    responses.push((await user.client.request(TEST, { id: created.id })).data);
    expect(fake.requests.at(-1)?.headers.authorization).toBe(`Bearer ${key}`);

    // An endpoint that echoes the key in its error does not get it shown.
    fake.scriptModels(reply.error(401, { error: { message: `Incorrect API key provided: ${key}` } }));
    const refused = (await user.client.data(TEST, { id: created.id })).testLlmConfig;
    responses.push(refused);
    expect(refused).toMatchObject({ ok: false, upstreamStatus: 401, error: expect.stringContaining('Incorrect API key provided: [redacted]') });

    const replaced = (await user.client.data(UPDATE_LLM_CONFIG, { id: created.id, input: { apiKey: replacement } })).updateLlmConfig;
    responses.push(replaced);
    expect(replaced).toMatchObject({ hasApiKey: true, apiKeyHint: 'f2a1' });
    responses.push((await user.client.request(TEST, { id: created.id })).data);
    expect(fake.requests.at(-1)?.headers.authorization).toBe(`Bearer ${replacement}`);

    const removed = (await user.client.data(UPDATE_LLM_CONFIG, { id: created.id, input: { apiKey: '' } })).updateLlmConfig;
    expect(removed).toMatchObject({ hasApiKey: false, apiKeyHint: null });
    expect((await rawRow(created.id)).api_key_encrypted).toBeNull();
    await user.client.request(TEST, { id: created.id });
    expect(fake.requests.at(-1)?.headers.authorization).toBeUndefined();

    const shown = JSON.stringify(responses);
    expect(shown).not.toContain(key);
    expect(shown).not.toContain(replacement);
  });

  it('gives no hint for a key too short to hide', async () => {
    const user = await signUp(app);
    expect(await createLlmConfig(user.client, fake.url, { apiKey: 'short-key' })).toMatchObject({ hasApiKey: true, apiKeyHint: null });
  });

  it('never writes a key into a log line, queries and failures included', async () => {
    const user = await signUp(app);
    const secret = 'sk-logged-NEVER-0a1b2c3d4e5f6789';
    const start = app.lines.length;
    const created = await createLlmConfig(user.client, fake.url, { apiKey: secret });
    await user.client.request(UPDATE_LLM_CONFIG, { id: created.id, input: { apiKey: `${secret}-2`, name: 'logged' } });
    fake.scriptModels(reply.error(401, { error: { message: `bad key ${secret}` } }));
    await user.client.request(TEST, { id: created.id });
    // A failed create logs the variables it got too.
    await user.client.request(CREATE_LLM_CONFIG, { input: { name: 'logged', modelName: 'm', baseUrl: fake.url, apiKey: secret } });
    const lines = app.lines.slice(start);
    expect(lines.some((line) => line.includes('llm_config'))).toBe(true);
    expect(lines.filter((line) => line.includes(secret))).toEqual([]);
  });
});
