import { canonicalJson, ResponseCache, responseCacheKey, type CacheStore } from '../../../src/modules/llm/response-cache';
import type { ChatMessage, ChatTool, LlmResult } from '../../../src/modules/llm/llm.types';

const messages: ChatMessage[] = [
  { role: 'system', content: 'Be brief.' },
  { role: 'user', content: 'Weather in Paris?' },
];
const tools: ChatTool[] = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }];

describe('responseCacheKey', () => {
  const key = responseCacheKey('cfg-1', 'gpt-4o', messages, tools, { temperature: 0, maxTokens: 100 });

  it('is llm: and a sha256 in hex', () => {
    expect(key).toMatch(/^llm:[0-9a-f]{64}$/);
  });

  it('is the same for the same request written with its keys in another order', () => {
    const reordered: ChatTool[] = [{ function: { parameters: { properties: { city: { type: 'string' } }, type: 'object' }, name: 'get_weather' }, type: 'function' }];
    expect(responseCacheKey('cfg-1', 'gpt-4o', messages.map((m) => ({ content: m.content, role: m.role }) as ChatMessage), reordered, { maxTokens: 100, temperature: 0 })).toBe(key);
  });

  it('differs when the config, model, messages, tools or parameters differ', () => {
    const others = [
      responseCacheKey('cfg-2', 'gpt-4o', messages, tools, { temperature: 0, maxTokens: 100 }),
      responseCacheKey('cfg-1', 'gpt-4o-mini', messages, tools, { temperature: 0, maxTokens: 100 }),
      responseCacheKey('cfg-1', 'gpt-4o', messages.slice(1), tools, { temperature: 0, maxTokens: 100 }),
      responseCacheKey('cfg-1', 'gpt-4o', messages, [], { temperature: 0, maxTokens: 100 }),
      responseCacheKey('cfg-1', 'gpt-4o', messages, tools, { temperature: 0, maxTokens: 200 }),
    ];
    expect(new Set([key, ...others]).size).toBe(6);
  });

  it('keeps the order of arrays: a conversation in another order is another request', () => {
    expect(responseCacheKey('cfg-1', 'gpt-4o', [...messages].reverse(), tools, { temperature: 0, maxTokens: 100 })).not.toBe(key);
    expect(canonicalJson({ b: [2, 1], a: { d: 1, c: 2 } })).toBe('{"a":{"c":2,"d":1},"b":[2,1]}');
  });
});

describe('ResponseCache', () => {
  const result: LlmResult = {
    content: 'Sunny.',
    toolCalls: [],
    finishReason: 'stop',
    usage: { promptTokens: 5, completionTokens: 2, totalTokens: 7, estimated: false },
    model: 'gpt-4o',
    cached: false,
  };

  const mapStore = () => {
    const entries = new Map<string, [string, number]>();
    const store: CacheStore = { get: async (k) => entries.get(k)?.[0] ?? null, set: async (k, v, ttl) => void entries.set(k, [v, ttl]) };
    return { store, entries };
  };

  it('applies only at temperature 0 and with a TTL above 0', () => {
    const { store } = mapStore();
    expect(new ResponseCache(store, 60).appliesTo({ temperature: 0 })).toBe(true);
    expect(new ResponseCache(store, 60).appliesTo({ temperature: 0.1 })).toBe(false);
    expect(new ResponseCache(store, 60).appliesTo({})).toBe(false);
    expect(new ResponseCache(store, 60).appliesTo(undefined)).toBe(false);
    expect(new ResponseCache(store, 0).appliesTo({ temperature: 0 })).toBe(false);
  });

  it('stores with its TTL and gives the result back marked cached', async () => {
    const { store, entries } = mapStore();
    const cache = new ResponseCache(store, 300);
    expect(await cache.get('llm:x')).toBeNull();
    await cache.set('llm:x', result);
    expect(entries.get('llm:x')?.[1]).toBe(300);
    expect(await cache.get('llm:x')).toEqual({ ...result, cached: true });
  });
});
