import { LlmConfigService } from '../../../src/modules/llm';
import { isLlmAborted } from '../../../src/modules/llm/llm-errors';
import type { ChatRequest } from '../../../src/modules/llm/llm.types';
import { startApp, type TestApp } from '../../support/app';
import { signIn, signUp, signUpAdmin } from '../../support/accounts';
import { reply, startFakeLlm, type FakeLlm } from '../../support/fake-llm';
import { CREATE_LLM_CONFIG, createLlmConfig, UPDATE_LLM_CONFIG } from '../../support/llm-configs';
import { appErrorOf } from '../../support/app-error-of';
import { freePort } from '../../support/processes';

const TEST = 'mutation ($id: ID!) { testLlmConfig(id: $id) { ok latencyMs model error upstreamStatus } }';
const SET_ROLE = 'mutation ($id: ID!, $role: Role!) { setUserRole(id: $id, role: $role) { id role } }';
const ask: ChatRequest = { messages: [{ role: 'user', content: 'What is 2 + 2?' }] };

let fake: FakeLlm;
let deadPort: number;
/** Lets users reach the fake (and a dead port), caches answers, retries once. */
let app: TestApp;
/** Private addresses for admins only; no response cache. */
let strict: TestApp;

beforeAll(async () => {
  fake = await startFakeLlm();
  deadPort = await freePort();
  app = await startApp({
    ALLOWED_PRIVATE_HOSTS: `127.0.0.1:${fake.port},127.0.0.1:${deadPort}`,
    LLM_CACHE_TTL: '60',
    LLM_MAX_RETRIES: '1',
  });
  strict = await startApp({ LLM_CACHE_TTL: '0', LLM_MAX_RETRIES: '0' });
});

afterAll(async () => {
  await app.close();
  await strict.close();
  await fake.close();
});

describe('testLlmConfig', () => {
  it('is ok when the endpoint lists the configured model', async () => {
    const user = await signUp(app);
    const config = await createLlmConfig(user.client, fake.url, { apiKey: 'sk-test-0123456789abcdef' });
    const chatsBefore = fake.chatRequests().length;
    const result = (await user.client.data(TEST, { id: config.id })).testLlmConfig;
    expect(result).toEqual({ ok: true, latencyMs: expect.any(Number), model: 'fake-model', error: null, upstreamStatus: null });
    expect(fake.requests.at(-1)).toMatchObject({ method: 'GET', path: '/v1/models' });
    expect(fake.chatRequests()).toHaveLength(chatsBefore);
  });

  it('asks for a one-token answer when the endpoint lists no models, and names the model that answered', async () => {
    const user = await signUp(app);
    const config = await createLlmConfig(user.client, fake.url, { modelName: 'llama3' });
    fake.scriptModels(reply.error(404, { detail: 'Not Found' }));
    fake.script(reply.text('OK', { model: 'llama3:8b-instruct' }));
    const result = (await user.client.data(TEST, { id: config.id })).testLlmConfig;
    expect(result).toEqual({ ok: true, latencyMs: expect.any(Number), model: 'llama3:8b-instruct', error: null, upstreamStatus: null });
    expect(fake.chatRequests().at(-1)?.body).toMatchObject({ model: 'llama3', max_tokens: 1 });
  });

  it('reports a 429 whose Retry-After falls past the 10 s deadline as the endpoint answered it, without waiting', async () => {
    const user = await signUp(app);
    const config = await createLlmConfig(user.client, fake.url);
    const busy = () => reply.error(429, { error: { message: 'Slow down' } }, { 'retry-after': '20' });
    fake.scriptModels(busy());
    fake.script(busy());
    const result = (await user.client.data(TEST, { id: config.id })).testLlmConfig;
    expect(result).toEqual({ ok: false, latencyMs: expect.any(Number), model: null, error: 'The LLM endpoint answered 429: Slow down', upstreamStatus: 429 });
  });

  it('is ok: false with the status and message when the endpoint refuses the key', async () => {
    const user = await signUp(app);
    const config = await createLlmConfig(user.client, fake.url, { apiKey: 'sk-wrong-0123456789abcdef' });
    fake.scriptModels(reply.error(401, { error: { message: 'Invalid API key', type: 'invalid_request_error' } }));
    const chatsBefore = fake.chatRequests().length;
    const result = (await user.client.data(TEST, { id: config.id })).testLlmConfig;
    expect(result).toEqual({ ok: false, latencyMs: expect.any(Number), model: null, error: 'The LLM endpoint answered 401: Invalid API key', upstreamStatus: 401 });
    // A refused key would be refused a completion too: none is tried.
    expect(fake.chatRequests()).toHaveLength(chatsBefore);
  });

  it('is ok: false, not an error, when nothing listens at the base URL', async () => {
    const user = await signUp(app);
    const config = await createLlmConfig(user.client, `http://127.0.0.1:${deadPort}/v1`);
    const result = (await user.client.data(TEST, { id: config.id })).testLlmConfig;
    expect(result).toMatchObject({ ok: false, model: null, upstreamStatus: null, error: expect.stringMatching(/^Could not reach the LLM endpoint: .*ECONNREFUSED/) });
  });

  it('may be called 10 times a minute, then answers RATE_LIMITED', async () => {
    const user = await signUp(app);
    const config = await createLlmConfig(user.client, fake.url);
    for (let i = 0; i < 10; i++) expect((await user.client.data(TEST, { id: config.id })).testLlmConfig.ok).toBe(true);
    const limited = await user.client.error(TEST, { id: config.id });
    expect(limited.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) });
  });
});

describe('base URLs and private addresses', () => {
  it('refuses a user\'s loopback base URL and says how to allow it, while an admin\'s is accepted and reached', async () => {
    const user = await signUp(strict);
    const refused = await user.client.error(CREATE_LLM_CONFIG, { input: { name: 'local', modelName: 'fake-model', baseUrl: fake.url } });
    expect(refused.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: { baseUrl: expect.stringMatching(/refused: 127\.0\.0\.1 is a non-public address .*ALLOWED_PRIVATE_HOSTS/) },
    });
    const mine = await createLlmConfig(user.client, 'https://8.8.8.8/v1');
    const moved = await user.client.error(UPDATE_LLM_CONFIG, { id: mine.id, input: { baseUrl: fake.url } });
    expect(moved.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { baseUrl: expect.stringContaining('non-public') } });

    const admin = await signUpAdmin(strict);
    const config = await createLlmConfig(admin.client, fake.url);
    expect((await admin.client.data(TEST, { id: config.id })).testLlmConfig).toMatchObject({ ok: true, model: 'fake-model' });
  });

  it('stops reaching a private address once the admin who set it is no longer an admin', async () => {
    const admin = await signUpAdmin(strict);
    const other = await signUpAdmin(strict);
    const config = await createLlmConfig(admin.client, fake.url);
    await other.client.data(SET_ROLE, { id: admin.id, role: 'USER' });
    const demoted = await signIn(strict, admin.username, admin.password);
    const requestsBefore = fake.requests.length;
    const result = (await demoted.client.data(TEST, { id: config.id })).testLlmConfig;
    expect(result).toMatchObject({ ok: false, error: expect.stringContaining('127.0.0.1 is a non-public address') });
    expect(fake.requests).toHaveLength(requestsBefore);
  });
});

describe('LlmConfigService.clientFor, the way the agent reaches a config', () => {
  const service = (on: TestApp) => on.container.get(LlmConfigService);

  it('gives the default config\'s client and sampling parameters, and keeps the client while the config is unchanged', async () => {
    const user = await signUp(app);
    await createLlmConfig(user.client, fake.url, { name: 'default one' });
    const other = await createLlmConfig(user.client, fake.url, { modelName: 'other-model', apiKey: 'sk-agent-0123456789abcdef', maxTokens: 64, temperature: 0.3, topP: 0.9 });
    const byDefault = await service(app).clientFor(app.orm.em.fork(), user.id, null);
    expect(byDefault.config.name).toBe('default one');

    const target = await service(app).clientFor(app.orm.em.fork(), user.id, other.id);
    expect(target.params).toEqual({ maxTokens: 64, temperature: 0.3, topP: 0.9 });
    fake.script(reply.text('Four.'));
    expect((await target.client.chat({ ...ask, params: target.params })).content).toBe('Four.');
    const sent = fake.chatRequests().at(-1)!;
    expect(sent.body).toMatchObject({ model: 'other-model', max_tokens: 64, temperature: 0.3, top_p: 0.9, messages: ask.messages });
    expect(sent.headers.authorization).toBe('Bearer sk-agent-0123456789abcdef');

    expect((await service(app).clientFor(app.orm.em.fork(), user.id, other.id)).client).toBe(target.client);
    await user.client.data(UPDATE_LLM_CONFIG, { id: other.id, input: { modelName: 'renamed-model' } });
    const updated = await service(app).clientFor(app.orm.em.fork(), user.id, other.id);
    expect(updated.client).not.toBe(target.client);
    fake.script(reply.text('Four.'));
    await updated.client.chat(ask);
    expect(fake.chatRequests().at(-1)?.body?.model).toBe('renamed-model');
  });

  it('says there is no config to use, and answers another user\'s config as not found', async () => {
    const user = await signUp(app);
    const owner = await signUp(app);
    const theirs = await createLlmConfig(owner.client, fake.url);
    const none = await appErrorOf(service(app).clientFor(app.orm.em.fork(), user.id, null));
    expect(none).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { fields: { llmConfigId: expect.stringContaining('createLlmConfig') } } });
    expect((await appErrorOf(service(app).clientFor(app.orm.em.fork(), user.id, theirs.id))).code).toBe('NOT_FOUND');
  });

  it('answers a repeated temperature-0 request from the response cache: the endpoint sees it once', async () => {
    const user = await signUp(app);
    const config = await createLlmConfig(user.client, fake.url, { temperature: 0 });
    const { client, params } = await service(app).clientFor(app.orm.em.fork(), user.id, config.id);
    const chatsBefore = fake.chatRequests().length;
    fake.script(reply.text('Four.'));
    const first = await client.chat({ ...ask, params });
    const second = await client.chat({ ...ask, params });
    expect(first).toMatchObject({ content: 'Four.', cached: false });
    expect(second).toEqual({ ...first, cached: true });
    expect(fake.chatRequests()).toHaveLength(chatsBefore + 1);

    // After any edit the config may answer differently: answers cached before it are not served.
    await user.client.data(UPDATE_LLM_CONFIG, { id: config.id, input: { name: 'edited' } });
    const edited = await service(app).clientFor(app.orm.em.fork(), user.id, config.id);
    fake.script(reply.text('4'));
    expect(await edited.client.chat({ ...ask, params })).toMatchObject({ content: '4', cached: false });
    expect(fake.chatRequests()).toHaveLength(chatsBefore + 2);
  });

  it('asks the endpoint every time above temperature 0, when streaming, or when LLM_CACHE_TTL is 0', async () => {
    const user = await signUp(app);
    const warm = await createLlmConfig(user.client, fake.url, { temperature: 0.7 });
    const warmTarget = await service(app).clientFor(app.orm.em.fork(), user.id, warm.id);
    const cold = await createLlmConfig(user.client, fake.url, { temperature: 0 });
    const coldTarget = await service(app).clientFor(app.orm.em.fork(), user.id, cold.id);
    const admin = await signUpAdmin(strict);
    const uncached = await createLlmConfig(admin.client, fake.url, { temperature: 0 });
    const uncachedTarget = await service(strict).clientFor(strict.orm.em.fork(), admin.id, uncached.id);

    const chatsBefore = fake.chatRequests().length;
    const twice = async (call: () => Promise<{ cached: boolean }>) => {
      fake.script(reply.text('Four.'), reply.text('Four.'));
      expect([(await call()).cached, (await call()).cached]).toEqual([false, false]);
    };
    await twice(() => warmTarget.client.chat({ ...ask, params: warmTarget.params }));
    await twice(() => coldTarget.client.chatStream({ ...ask, params: coldTarget.params }));
    await twice(() => uncachedTarget.client.chat({ ...ask, params: uncachedTarget.params }));
    expect(fake.chatRequests()).toHaveLength(chatsBefore + 6);
  });

  it('retries a failed request as LLM_MAX_RETRIES allows, gives up after the config\'s own timeout, and stops when cancelled', async () => {
    const user = await signUp(app);
    const config = await createLlmConfig(user.client, fake.url, { timeoutMs: 1000 });
    const { client } = await service(app).clientFor(app.orm.em.fork(), user.id, config.id);

    fake.script(reply.error(503, { error: { message: 'overloaded' } }), reply.text('Four.'));
    const chatsBefore = fake.chatRequests().length;
    expect((await client.chat(ask)).content).toBe('Four.');
    expect(fake.chatRequests()).toHaveLength(chatsBefore + 2);

    fake.script(reply.hang());
    const timedOut = await appErrorOf(client.chat(ask));
    expect(timedOut).toMatchObject({ code: 'UPSTREAM_FAILED', message: 'The LLM endpoint did not respond within 1000 ms.' });

    fake.script(reply.hang());
    const controller = new AbortController();
    const cancelled = client.chatStream(ask, { signal: controller.signal }).catch((error: unknown) => error);
    setTimeout(() => controller.abort(), 50);
    expect(isLlmAborted(await cancelled)).toBe(true);
  });
});

describe('cached answers and the owner’s reach', () => {
  it('serves nothing cached while an admin could reach a private address once the admin is demoted', async () => {
    const cached = await startApp({ LLM_CACHE_TTL: '60', LLM_MAX_RETRIES: '0' });
    try {
      const boss = await signUpAdmin(cached);
      const admin = await signUpAdmin(cached);
      await createLlmConfig(admin.client, fake.url);
      const clientOf = async () => cached.container.get(LlmConfigService).clientFor(cached.orm.em.fork(), admin.id, null);
      const exact = { ...ask, params: { temperature: 0 } };
      fake.script(reply.text('Four, from a private endpoint.'));
      expect((await (await clientOf()).client.chat(exact)).content).toBe('Four, from a private endpoint.');
      expect((await (await clientOf()).client.chat(exact)).cached).toBe(true);

      await boss.client.data(SET_ROLE, { id: admin.id, role: 'USER' });
      const requests = fake.requests.length;
      expect(await appErrorOf((await clientOf()).client.chat(exact))).toMatchObject({ code: 'UPSTREAM_FAILED', message: expect.stringContaining('127.0.0.1') });
      expect(fake.requests.length).toBe(requests);
    } finally {
      await cached.close();
    }
  });
});

describe('responses too large to hold', () => {
  it('fails a completion whose body or one of whose stream events is over OUTBOUND_MAX_RESPONSE_BYTES, without retrying it', async () => {
    const bounded = await startApp({ ALLOWED_PRIVATE_HOSTS: `127.0.0.1:${fake.port}`, OUTBOUND_MAX_RESPONSE_BYTES: '4096', LLM_MAX_RETRIES: '2' });
    try {
      const user = await signUp(bounded);
      await createLlmConfig(user.client, fake.url);
      const { client, params } = await bounded.container.get(LlmConfigService).clientFor(bounded.orm.em.fork(), user.id, null);
      const before = fake.chatRequests().length;

      fake.script(reply.text('x'.repeat(10_000)));
      const whole = await appErrorOf(client.chat({ ...ask, params }));
      expect(whole).toMatchObject({ code: 'UPSTREAM_FAILED', message: expect.stringContaining('The response is too large: the body is over 4 KB') });

      fake.script(reply.text(['a', 'b'.repeat(10_000)]));
      const streamed = await appErrorOf(client.chatStream({ ...ask, params }, {}));
      expect(streamed).toMatchObject({ code: 'UPSTREAM_FAILED', message: expect.stringContaining('one event of the stream is over 4 KB') });
      expect(fake.chatRequests().length - before).toBe(2);
    } finally {
      await bounded.close();
    }
  });
});
