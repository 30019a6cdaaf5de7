import { AppError } from '../../../src/platform/errors';
import { LlmClient, type LlmClientOptions } from '../../../src/modules/llm/llm-client';
import { isLlmAborted, LlmAbortedError } from '../../../src/modules/llm/llm-errors';
import type { ChatRequest, ChatTool } from '../../../src/modules/llm/llm.types';
import { ResponseCache, type CacheStore } from '../../../src/modules/llm/response-cache';
import { reply, startFakeLlm, type FakeLlm } from '../../support/fake-llm';
import { freePort } from '../../support/processes';

let fake: FakeLlm;

beforeEach(async () => {
  fake = await startFakeLlm();
});

afterEach(async () => {
  await fake.close();
});

const client = (options: Partial<LlmClientOptions> = {}) =>
  new LlmClient({ baseUrl: fake.url, model: 'fake-model', timeoutMs: 5000, maxRetries: 2, retryBaseDelayMs: 10, ...options });

const ask: ChatRequest = { messages: [{ role: 'user', content: 'What is the weather in Paris?' }] };

const weatherTool: ChatTool = {
  type: 'function',
  function: { name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
};

/** The AppError a promise rejects with. */
async function failureOf(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => new Error('expected the call to fail'),
    (reason: unknown) => reason,
  );
  if (!(error instanceof AppError)) throw error;
  return error;
}

async function eventually(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(check()).toBe(true);
}

describe('streaming', () => {
  it('streams text to onText as it arrives and returns the whole answer with the usage the provider sent', async () => {
    fake.script(reply.text('Sunny and mild, 21 °C.', { usage: { prompt: 17, completion: 4 } }));
    const deltas: string[] = [];
    const result = await client().chatStream(ask, { onText: (delta) => deltas.push(delta) });

    expect(deltas).toEqual(['Sunny ', 'and ', 'mild, ', '21 ', '°C.']);
    expect(result).toEqual({
      content: 'Sunny and mild, 21 °C.',
      toolCalls: [],
      finishReason: 'stop',
      usage: { promptTokens: 17, completionTokens: 4, totalTokens: 21, estimated: false },
      model: 'fake-model',
      cached: false,
    });
    const [request] = fake.chatRequests();
    expect(request.body).toMatchObject({ model: 'fake-model', stream: true, stream_options: { include_usage: true }, messages: ask.messages });
  });

  it('streams a text the fake splits into N chunks as N deltas', async () => {
    fake.script(reply.text('abcdefghij', { chunks: 4 }));
    const deltas: string[] = [];
    await client().chatStream(ask, { onText: (d) => deltas.push(d) });
    expect(deltas).toEqual(['abc', 'def', 'ghi', 'j']);
  });

  it('a test that forgot to script a reply sees why in the error', async () => {
    const error = await failureOf(client({ maxRetries: 0 }).chatStream(ask));
    expect(error.message).toBe('The LLM endpoint answered 500: fake-llm: nothing scripted for POST /v1/chat/completions (request #1)');
  });

  it('sends the parameters the config sets, and only those', async () => {
    fake.script(reply.text('ok'), reply.text('ok'));
    await client().chatStream({ ...ask, tools: [weatherTool], params: { maxTokens: 64, temperature: 0.2, topP: 0.9 } });
    await client().chatStream(ask);
    const [withParams, without] = fake.chatRequests();
    expect(withParams.body).toMatchObject({ max_tokens: 64, temperature: 0.2, top_p: 0.9, tools: [weatherTool] });
    expect(without.body).not.toHaveProperty('max_tokens');
    expect(without.body).not.toHaveProperty('temperature');
    expect(without.body).not.toHaveProperty('tools');
  });

  it('sends the API key as a bearer token, and no Authorization header at all for a keyless endpoint', async () => {
    fake.script(reply.text('a'), reply.text('b'));
    await client({ apiKey: 'sk-test-123' }).chatStream(ask);
    await client({ apiKey: null }).chatStream(ask);
    const [keyed, keyless] = fake.chatRequests();
    expect(keyed.headers.authorization).toBe('Bearer sk-test-123');
    expect(keyless.headers.authorization).toBeUndefined();
  });

  it('returns streamed tool calls parsed, and streams no text for them', async () => {
    fake.script(reply.toolCalls([{ id: 'call_paris', name: 'get_weather', arguments: { city: 'Paris' } }]));
    const deltas: string[] = [];
    const result = await client().chatStream({ ...ask, tools: [weatherTool] }, { onText: (d) => deltas.push(d) });

    expect(deltas).toEqual([]);
    expect(result.finishReason).toBe('tool_calls');
    expect(result.toolCalls).toEqual([
      { id: 'call_paris', name: 'get_weather', arguments: '{"city":"Paris"}', parsedArguments: { city: 'Paris' } },
    ]);
  });

  it("assembles Ollama's reused index 0 from a real socket into two calls", async () => {
    const call = (id: string, path: string) => ({
      object: 'chat.completion.chunk',
      model: 'qwen2.5-coder:7b',
      choices: [{ index: 0, delta: { role: 'assistant', content: '', tool_calls: [{ id, index: 0, type: 'function', function: { name: 'file_write', arguments: `{"filePath":"${path}"}` } }] }, finish_reason: null }],
    });
    fake.script(reply.chunks([call('call_a', 'hello.py'), call('call_b', 'world.py'), { choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }]));
    const result = await client().chatStream(ask);
    expect(result.toolCalls.map((c) => [c.id, c.parsedArguments])).toEqual([
      ['call_a', { filePath: 'hello.py' }],
      ['call_b', { filePath: 'world.py' }],
    ]);
    expect(result.model).toBe('qwen2.5-coder:7b');
  });

  it('reads Hermes tool calls written in the content when textToolCalls is on, without streaming them', async () => {
    fake.script(reply.text(['Checking. ', '<tool_', 'call>{"name": "get_weather", ', '"arguments": {"city": "Paris"}}</tool_call>']));
    const deltas: string[] = [];
    const result = await client({ textToolCalls: true }).chatStream({ ...ask, tools: [weatherTool] }, { onText: (d) => deltas.push(d) });
    expect(deltas.join('')).toBe('Checking. ');
    expect(result.toolCalls).toMatchObject([{ name: 'get_weather', parsedArguments: { city: 'Paris' } }]);
  });

  it('estimates the usage when the provider sends none, and marks it estimated', async () => {
    fake.script(reply.text('Sunny and mild.', { usage: false }));
    const { usage } = await client().chatStream(ask);
    // 4 characters a token: 29 characters of prompt, 15 of answer.
    expect(usage).toEqual({ promptTokens: 8, completionTokens: 4, totalTokens: 12, estimated: true });
  });

  it('retries once without stream_options when the provider rejects it, and stops sending it', async () => {
    fake.script(
      reply.error(400, { object: 'error', message: "Unrecognized request argument supplied: stream_options", code: 400 }),
      reply.text('first', { usage: false }),
      reply.text('second', { usage: false }),
    );
    const llm = client();
    const first = await llm.chatStream(ask);
    const second = await llm.chatStream(ask);

    expect([first.content, second.content]).toEqual(['first', 'second']);
    expect(first.usage.estimated).toBe(true);
    expect(fake.chatRequests().map((r) => r.body?.stream_options)).toEqual([{ include_usage: true }, undefined, undefined]);
  });

  it('a 400 about something else fails with its status and message, and stream_options stays on', async () => {
    const bad = reply.error(400, { error: { message: "messages: 'content' is required", type: 'invalid_request_error' } });
    fake.script(bad, bad, reply.text('ok'));
    const llm = client();
    const error = await failureOf(llm.chatStream(ask));
    expect(error.code).toBe('UPSTREAM_FAILED');
    expect(error.extensions).toMatchObject({ upstreamStatus: 400, upstreamMessage: "messages: 'content' is required" });
    await llm.chatStream(ask);
    expect(fake.chatRequests().map((r) => r.body?.stream_options !== undefined)).toEqual([true, false, true]);
  });

  it('OpenAI reasoning models: a refused max_tokens is sent as max_completion_tokens from then on', async () => {
    const refusal = {
      error: {
        message: "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
        type: 'invalid_request_error',
        param: 'max_tokens',
        code: 'unsupported_parameter',
      },
    };
    fake.script(reply.error(400, refusal), reply.text('first'), reply.text('second'));
    const llm = client();
    const limited = { ...ask, params: { maxTokens: 50 } };
    expect((await llm.chat(limited)).content).toBe('first');
    expect((await llm.chatStream(limited)).content).toBe('second');
    expect(fake.chatRequests().map((r) => [r.body?.max_tokens, r.body?.max_completion_tokens])).toEqual([
      [50, undefined],
      [undefined, 50],
      [undefined, 50],
    ]);
  });

  it('OpenAI reasoning models: a refused temperature is left out', async () => {
    const refusal = {
      error: {
        message: "Unsupported value: 'temperature' does not support 0.2 with this model. Only the default (1) value is supported.",
        type: 'invalid_request_error',
        param: 'temperature',
        code: 'unsupported_value',
      },
    };
    fake.script(reply.error(400, refusal), reply.text('ok'));
    await client().chatStream({ ...ask, params: { temperature: 0.2 } });
    expect(fake.chatRequests().map((r) => r.body?.temperature)).toEqual([0.2, undefined]);
  });

  it('a 400 that names another field is not sent again', async () => {
    fake.script(reply.error(400, { error: { message: "Invalid 'messages[0].content': empty.", param: 'messages[0].content' } }));
    const error = await failureOf(client().chatStream(ask));
    expect(error.extensions).toMatchObject({ upstreamStatus: 400, upstreamMessage: "Invalid 'messages[0].content': empty." });
    expect(fake.chatRequests()).toHaveLength(1);
  });

  it('uses the fetch it is given for every request', async () => {
    const urls: string[] = [];
    const countingFetch: typeof fetch = (input, init) => {
      urls.push(String(input instanceof Request ? input.url : input));
      return fetch(input, init);
    };
    fake.script(reply.text('ok'));
    await client({ fetch: countingFetch }).chatStream(ask);
    expect(urls).toEqual([`${fake.url}/chat/completions`]);
  });

  it('an error event in the stream fails with the upstream message', async () => {
    fake.script(reply.chunks([{ error: { message: 'The model is overloaded.', code: 503 } }]));
    const error = await failureOf(client({ maxRetries: 0 }).chatStream(ask));
    expect(error.message).toContain('The model is overloaded.');
    expect(error.extensions).toMatchObject({ upstreamStatus: 503 });
  });

  it('vLLM: an error event before any output is retried like the 503 it reports', async () => {
    fake.script(reply.chunks([{ error: { object: 'error', message: 'The engine is overloaded.', type: 'ServiceUnavailableError', param: null, code: 503 } }]), reply.text('ok'));
    const result = await client().chatStream(ask);
    expect(result.content).toBe('ok');
    expect(fake.chatRequests()).toHaveLength(2);
  });

  it('an error event after output is not retried, and says what the endpoint said', async () => {
    const delta = (content: string) => ({ object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content }, finish_reason: null }] });
    fake.script(reply.chunks([delta('Once '), { error: { message: 'The engine died.', code: 500 } }]), reply.text('must never be asked for'));
    const error = await failureOf(client().chatStream(ask));
    expect(error.message).toBe('The LLM endpoint reported an error mid-stream: The engine died.');
    expect(error.extensions).toMatchObject({ upstreamStatus: 500, attempts: 1 });
    expect(fake.chatRequests()).toHaveLength(1);
  });
});

describe('retries', () => {
  it('waits as long as a 429 Retry-After asks, then succeeds', async () => {
    fake.script(reply.error(429, { error: { message: 'Rate limit reached' } }, { 'retry-after': '1' }), reply.text('ok'));
    const result = await client().chatStream(ask);

    expect(result.content).toBe('ok');
    const [limited, retried] = fake.chatRequests();
    expect(retried.receivedAt - limited.receivedAt).toBeGreaterThanOrEqual(1000);
  });

  it('retries a 502 and a dropped connection before any output, transparently', async () => {
    fake.script(reply.error(502, '<html>Bad Gateway</html>'), reply.text(['never shown'], { dropAfter: 1 }), reply.text('ok'));
    const deltas: string[] = [];
    const result = await client().chatStream(ask, { onText: (d) => deltas.push(d) });
    expect(result.content).toBe('ok');
    expect(deltas).toEqual(['ok']);
    expect(fake.chatRequests()).toHaveLength(3);
  });

  it('gives up after maxRetries on 5xx with UPSTREAM_FAILED, the status and the number of attempts', async () => {
    const unavailable = reply.error(503, { error: { message: 'Service Unavailable' } });
    fake.script(unavailable, unavailable, unavailable);
    const error = await failureOf(client({ maxRetries: 2 }).chatStream(ask));

    expect(error.code).toBe('UPSTREAM_FAILED');
    expect(error.message).toBe('The LLM endpoint answered 503: Service Unavailable');
    expect(error.extensions).toMatchObject({ upstreamStatus: 503, upstreamMessage: 'Service Unavailable', attempts: 3 });
    expect(fake.chatRequests()).toHaveLength(3);
  });

  it('does not wait out a Retry-After longer than it holds a request for: fails at once saying how long', async () => {
    fake.script(reply.error(429, { error: { message: 'Quota exceeded' } }, { 'retry-after': '120' }));
    const error = await failureOf(client().chatStream(ask));
    expect(error.extensions).toMatchObject({ upstreamStatus: 429, retryAfterSeconds: 120, attempts: 1 });
    expect(fake.chatRequests()).toHaveLength(1);
  });

  it('does not retry a 401, and never repeats the API key the provider echoed', async () => {
    fake.script(reply.error(401, { error: { message: 'Incorrect API key provided: sk-live-secret-42.', code: 'invalid_api_key' } }));
    const error = await failureOf(client({ apiKey: 'sk-live-secret-42' }).chatStream(ask));

    expect(error.extensions).toMatchObject({ upstreamStatus: 401, upstreamMessage: 'Incorrect API key provided: [redacted].' });
    expect(JSON.stringify({ message: error.message, extensions: error.extensions })).not.toContain('sk-live-secret-42');
    expect(fake.chatRequests()).toHaveLength(1);
  });

  it('a refused connection is retried, then fails saying the endpoint could not be reached', async () => {
    const port = await freePort();
    const error = await failureOf(client({ baseUrl: `http://127.0.0.1:${port}/v1` }).chatStream(ask));
    expect(error.code).toBe('UPSTREAM_FAILED');
    expect(error.message).toMatch(/^Could not reach the LLM endpoint: .*ECONNREFUSED/);
    expect(error.extensions).toMatchObject({ upstreamStatus: null, attempts: 3 });
  });

  it('does not retry network errors it is told are final (a refused address)', async () => {
    const port = await freePort();
    const error = await failureOf(
      client({ baseUrl: `http://127.0.0.1:${port}/v1`, nonRetryable: (e) => (e as { code?: string }).code === 'ECONNREFUSED' }).chatStream(ask),
    );
    expect(error.extensions).toMatchObject({ attempts: 1 });
  });

  it('a connection dropped after tokens were streamed fails clearly, with exactly one request', async () => {
    fake.script(reply.text(['Once ', 'upon ', 'a ', 'time'], { dropAfter: 3 }), reply.text('must never be asked for'));
    const deltas: string[] = [];
    const error = await failureOf(client().chatStream(ask, { onText: (d) => deltas.push(d) }));

    expect(deltas).toEqual(['Once ', 'upon ']);
    expect(error.code).toBe('UPSTREAM_FAILED');
    expect(error.message).toMatch(/broke off after it had started/);
    expect(error.extensions).toMatchObject({ interrupted: true, attempts: 1 });
    expect(fake.chatRequests()).toHaveLength(1);
  });
});

describe('timeouts and cancelling', () => {
  it('an endpoint that never answers fails after the config timeout, without retrying', async () => {
    fake.script(reply.hang(), reply.text('must never be asked for'));
    const error = await failureOf(client({ timeoutMs: 300 }).chatStream(ask));
    expect(error.code).toBe('UPSTREAM_FAILED');
    expect(error.message).toBe('The LLM endpoint did not respond within 300 ms.');
    expect(error.extensions).toMatchObject({ timeoutMs: 300 });
    expect(fake.chatRequests()).toHaveLength(1);
  });

  it('a stream that stops sending midway fails after the timeout, keeping what was shown', async () => {
    fake.script(reply.text(['Once ', 'upon ', 'a ', 'time'], { hangAfter: 2 }));
    const deltas: string[] = [];
    const error = await failureOf(client({ timeoutMs: 300 }).chatStream(ask, { onText: (d) => deltas.push(d) }));
    expect(deltas).toEqual(['Once ']);
    expect(error.message).toBe('The LLM endpoint did not respond within 300 ms.');
  });

  it('a slow stream that keeps sending is not cut off by the timeout', async () => {
    fake.script(reply.text(['a ', 'b ', 'c ', 'd ', 'e'], { delayMs: 60 }));
    const result = await client({ timeoutMs: 200 }).chatStream(ask);
    expect(result.content).toBe('a b c d e');
  });

  it('aborting mid-stream rejects with LlmAbortedError, not a failure, and hangs up on the endpoint', async () => {
    fake.script(reply.text(Array.from({ length: 50 }, (_, i) => `w${i} `), { delayMs: 20 }));
    const controller = new AbortController();
    const deltas: string[] = [];
    const outcome = await client()
      .chatStream(ask, {
        signal: controller.signal,
        onText: (d) => {
          deltas.push(d);
          if (deltas.length === 2) controller.abort();
        },
      })
      .catch((error: unknown) => error);

    expect(outcome).toBeInstanceOf(LlmAbortedError);
    expect(isLlmAborted(outcome)).toBe(true);
    expect(deltas).toHaveLength(2);
    await eventually(() => fake.chatRequests()[0].clientClosed);
  });

  it('a signal aborted before the call sends nothing', async () => {
    const outcome = await client().chatStream(ask, { signal: AbortSignal.abort() }).catch((e: unknown) => e);
    expect(outcome).toBeInstanceOf(LlmAbortedError);
    expect(fake.requests).toHaveLength(0);
  });

  it('aborting while waiting to retry ends the wait at once', async () => {
    fake.script(reply.error(503, { error: { message: 'busy' } }, { 'retry-after': '20' }));
    const controller = new AbortController();
    const pending = client().chatStream(ask, { signal: controller.signal }).catch((e: unknown) => e);
    await eventually(() => fake.chatRequests().length === 1);
    controller.abort();
    expect(await pending).toBeInstanceOf(LlmAbortedError);
    expect(fake.chatRequests()).toHaveLength(1);
  });
});

describe('non-streamed calls', () => {
  it('returns the same shape as a streamed call', async () => {
    fake.script(reply.text('Let me look.', { toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' }], usage: { prompt: 9, completion: 6 } }));
    const result = await client().chat({ ...ask, tools: [weatherTool] });
    expect(result).toEqual({
      content: 'Let me look.',
      toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}', parsedArguments: { city: 'Paris' } }],
      finishReason: 'tool_calls',
      usage: { promptTokens: 9, completionTokens: 6, totalTokens: 15, estimated: false },
      model: 'fake-model',
      cached: false,
    });
    expect(fake.chatRequests()[0].body).toMatchObject({ stream: false });
    expect(fake.chatRequests()[0].body).not.toHaveProperty('stream_options');
  });

  it('reads a whole completion with object arguments and no ids (Ollama-style) like a stream', async () => {
    fake.script(
      reply.json({
        model: 'llama3.1',
        choices: [{ index: 0, message: { role: 'assistant', content: '', tool_calls: [{ function: { name: 'get_weather', arguments: { city: 'Oslo' } } }] }, finish_reason: 'tool_calls' }],
      }),
    );
    const result = await client().chat(ask, { idSeed: 'turn7' });
    expect(result.toolCalls).toEqual([{ id: 'call_turn7_1', name: 'get_weather', arguments: '{"city":"Oslo"}', parsedArguments: { city: 'Oslo' } }]);
    expect(result.usage.estimated).toBe(true);
  });

  it('retries a 500 like a streamed call', async () => {
    fake.script(reply.error(500), reply.text('ok'));
    expect((await client().chat(ask)).content).toBe('ok');
    expect(fake.chatRequests()).toHaveLength(2);
  });

  it('an answer that is not a chat completion fails clearly', async () => {
    fake.script(reply.json({ hello: 'world' }));
    const error = await failureOf(client().chat(ask));
    expect(error.message).toBe('The LLM endpoint answered with something that is not a chat completion.');
  });
});

describe('response cache', () => {
  const mapStore = () => {
    const entries = new Map<string, { value: string; ttlSeconds: number }>();
    const store: CacheStore = {
      get: async (key) => entries.get(key)?.value ?? null,
      set: async (key, value, ttlSeconds) => {
        entries.set(key, { value, ttlSeconds });
      },
    };
    return { store, entries };
  };
  const deterministic: ChatRequest = { ...ask, params: { temperature: 0 } };

  it('answers a repeated non-streamed call at temperature 0 from the cache, with the TTL it was given', async () => {
    const { store, entries } = mapStore();
    fake.script(reply.text('Sunny.'));
    const llm = client({ responseCache: { cache: new ResponseCache(store, 60), configId: 'cfg-1' } });
    const first = await llm.chat(deterministic);
    const second = await llm.chat(deterministic);

    expect(first.cached).toBe(false);
    expect(second).toEqual({ ...first, cached: true });
    expect(fake.chatRequests()).toHaveLength(1);
    expect([...entries.values()].map((e) => e.ttlSeconds)).toEqual([60]);
    expect([...entries.keys()][0]).toMatch(/^llm:[0-9a-f]{64}$/);
  });

  it('does not cache above temperature 0, nor without a temperature', async () => {
    const { store, entries } = mapStore();
    fake.script(reply.text('a'), reply.text('b'), reply.text('c'), reply.text('d'));
    const llm = client({ responseCache: { cache: new ResponseCache(store, 60), configId: 'cfg-1' } });
    const warm = { ...ask, params: { temperature: 0.7 } };
    const contents = [(await llm.chat(warm)).content, (await llm.chat(warm)).content, (await llm.chat(ask)).content, (await llm.chat(ask)).content];
    expect(contents).toEqual(['a', 'b', 'c', 'd']);
    expect(entries.size).toBe(0);
  });

  it('is off when the TTL is 0', async () => {
    const { store, entries } = mapStore();
    fake.script(reply.text('a'), reply.text('b'));
    const llm = client({ responseCache: { cache: new ResponseCache(store, 0), configId: 'cfg-1' } });
    expect([(await llm.chat(deterministic)).content, (await llm.chat(deterministic)).content]).toEqual(['a', 'b']);
    expect(entries.size).toBe(0);
  });

  it('another config or other messages miss the cache', async () => {
    const { store } = mapStore();
    fake.script(reply.text('a'), reply.text('b'), reply.text('c'));
    const cache = new ResponseCache(store, 60);
    await client({ responseCache: { cache, configId: 'cfg-1' } }).chat(deterministic);
    const otherConfig = await client({ responseCache: { cache, configId: 'cfg-2' } }).chat(deterministic);
    const otherMessages = await client({ responseCache: { cache, configId: 'cfg-1' } }).chat({ ...deterministic, messages: [{ role: 'user', content: 'And in Oslo?' }] });
    expect([otherConfig.cached, otherMessages.cached]).toEqual([false, false]);
    expect(fake.chatRequests()).toHaveLength(3);
  });

  it('never answers a streamed call from the cache', async () => {
    const { store } = mapStore();
    fake.script(reply.text('a'), reply.text('b'));
    const llm = client({ responseCache: { cache: new ResponseCache(store, 60), configId: 'cfg-1' } });
    await llm.chat(deterministic);
    const streamed = await llm.chatStream(deterministic);
    expect(streamed).toMatchObject({ content: 'b', cached: false });
  });

  it('a cache store that fails does not fail the call', async () => {
    const broken: CacheStore = { get: () => Promise.reject(new Error('redis down')), set: () => Promise.reject(new Error('redis down')) };
    fake.script(reply.text('still answered'));
    const result = await client({ responseCache: { cache: new ResponseCache(broken, 60), configId: 'cfg-1' } }).chat(deterministic);
    expect(result.content).toBe('still answered');
  });
});

describe('models and test()', () => {
  it('lists the models the endpoint has', async () => {
    fake.models = ['llama3.1:8b', 'qwen2.5:7b'];
    expect(await client().listModels()).toEqual(['llama3.1:8b', 'qwen2.5:7b']);
  });

  it('test(): ok when the endpoint lists the configured model, without asking for a completion', async () => {
    const result = await client().test();
    expect(result).toEqual({ ok: true, latencyMs: expect.any(Number), model: 'fake-model', error: null, status: null });
    expect(fake.chatRequests()).toHaveLength(0);
  });

  it('test(): falls back to a one-token completion when the model is not listed', async () => {
    fake.models = ['something-else'];
    fake.script(reply.text('OK', { model: 'fake-model-2024' }));
    const result = await client().test();
    expect(result).toMatchObject({ ok: true, model: 'fake-model-2024', error: null });
    expect(fake.chatRequests()[0].body).toMatchObject({ max_tokens: 1, stream: false });
  });

  it('test(): falls back to a completion when the endpoint has no /models', async () => {
    fake.scriptModels(reply.error(404, { detail: 'Not Found' }));
    fake.script(reply.text('OK'));
    expect(await client().test()).toMatchObject({ ok: true, model: 'fake-model' });
  });

  it('test(): a refused key fails with the upstream status and message, without a completion', async () => {
    fake.scriptModels(reply.error(401, { error: { message: 'Invalid API key', type: 'invalid_request_error' } }));
    const result = await client({ apiKey: 'sk-wrong' }).test();
    expect(result).toEqual({
      ok: false,
      latencyMs: expect.any(Number),
      model: null,
      error: 'The LLM endpoint answered 401: Invalid API key',
      status: 401,
    });
    expect(fake.chatRequests()).toHaveLength(0);
  });

  it('test(): a model the endpoint does not have fails with its 404', async () => {
    fake.models = [];
    fake.script(reply.error(404, { error: { message: 'model "fake-model" not found, try pulling it first' } }));
    const result = await client().test();
    expect(result).toMatchObject({ ok: false, status: 404, error: expect.stringContaining('not found, try pulling it first') });
  });

  it('test(): an unreachable port fails saying so, with no status', async () => {
    const port = await freePort();
    const result = await client({ baseUrl: `http://127.0.0.1:${port}/v1`, maxRetries: 0 }).test();
    expect(result).toMatchObject({ ok: false, status: null, model: null, error: expect.stringMatching(/^Could not reach the LLM endpoint: .*ECONNREFUSED/) });
  });

  it('test(): an endpoint that never answers fails after the config timeout, having tried /models and a completion', async () => {
    fake.scriptModels(reply.hang());
    fake.script(reply.hang());
    const result = await client({ timeoutMs: 200, maxRetries: 0 }).test();
    expect(result).toMatchObject({ ok: false, status: null, error: 'The LLM endpoint did not respond within 200 ms.' });
    expect(fake.requests.map((r) => r.path)).toEqual(['/v1/models', '/v1/chat/completions']);
  });
});
