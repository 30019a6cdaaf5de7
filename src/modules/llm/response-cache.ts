// Caches whole non-streamed answers at temperature 0, where the same request should give the same answer.
import { createHash } from 'node:crypto';
import type { ChatMessage, ChatTool, LlmParams, LlmResult } from './llm.types';

/** The little the cache needs from Redis or memory (the platform's KeyValueStore fits). */
export interface CacheStore {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
}

/** JSON with object keys sorted at every depth, so equal requests serialize equal. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    typeof inner === 'object' && inner !== null && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  );
}

export function responseCacheKey(
  configId: string,
  model: string,
  messages: readonly ChatMessage[],
  tools: readonly ChatTool[] | undefined,
  params: LlmParams | undefined,
): string {
  const request = canonicalJson({ configId, model, messages, tools: tools ?? [], params: params ?? {} });
  return `llm:${createHash('sha256').update(request).digest('hex')}`;
}

export class ResponseCache {
  constructor(
    private readonly store: CacheStore,
    readonly ttlSeconds: number,
  ) {}

  /** Only deterministic requests are cached, and only when a TTL is configured. */
  appliesTo(params: LlmParams | undefined): boolean {
    return this.ttlSeconds > 0 && params?.temperature === 0;
  }

  async get(key: string): Promise<LlmResult | null> {
    const stored = await this.store.get(key);
    return stored === null ? null : { ...(JSON.parse(stored) as LlmResult), cached: true };
  }

  async set(key: string, result: LlmResult): Promise<void> {
    await this.store.set(key, JSON.stringify({ ...result, cached: false }), this.ttlSeconds);
  }
}
