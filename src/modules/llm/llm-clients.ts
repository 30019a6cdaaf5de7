// One LlmClient per config, kept while the config and its owner's role are unchanged, so that what a
// client learns about its provider (fields it refuses) outlasts a request.
import type { Role } from '../../platform/graphql/context';
import { blockedAddressCause } from '../../platform/net/blocked-address-error';
import type { OutboundHttp } from '../../platform/net/outbound';
import type { Secrets } from '../../platform/secrets';
import { LlmClient } from './llm-client';
import type { LlmConfig } from './llm-config.entity';
import type { ResponseCache } from './response-cache';

export interface LlmClientsOptions {
  secrets: Secrets;
  outbound: OutboundHttp;
  responseCache: ResponseCache;
  /** LLM_TIMEOUT_MS, for configs without a timeout of their own. */
  timeoutMs: number;
  maxRetries: number;
}

/** Configs deleted on another instance are never forgotten here: the oldest clients make room. */
const MAX_CLIENTS = 1000;

const nonRetryable = (error: unknown) => Boolean(blockedAddressCause(error));

export class LlmClients {
  private readonly clients = new Map<string, { version: string; userId: string; client: LlmClient }>();

  constructor(private readonly options: LlmClientsOptions) {}

  /** The client for this config as stored, reaching its endpoint as a user of `role` may. */
  get(config: LlmConfig, role: Role): LlmClient {
    const version = `${config.updatedAt.getTime()}:${role}`;
    const kept = this.clients.get(config.id);
    if (kept?.version === version) return kept.client;
    const { secrets, outbound, responseCache, timeoutMs, maxRetries } = this.options;
    const client = new LlmClient({
      baseUrl: config.baseUrl,
      apiKey: config.apiKeyEncrypted === null ? null : secrets.decrypt(config.apiKeyEncrypted),
      model: config.modelName,
      timeoutMs: config.timeoutMs ?? timeoutMs,
      maxRetries,
      fetch: outbound.fetchFor(role, { eventsBoundedByReader: true }),
      maxEventBytes: outbound.maxResponseBytes,
      textToolCalls: config.textToolCalls,
      // The version and the reach in the key: answers cached before an edit, or while the owner could
      // reach private addresses, are not served after it.
      responseCache: { cache: responseCache, configId: `${config.id}:${version}` },
      nonRetryable,
    });
    this.clients.delete(config.id);
    this.clients.set(config.id, { version, userId: config.userId, client });
    if (this.clients.size > MAX_CLIENTS) this.clients.delete(this.clients.keys().next().value as string);
    return client;
  }

  forget(configId: string): void {
    this.clients.delete(configId);
  }

  forgetUser(userId: string): void {
    for (const [id, kept] of this.clients) if (kept.userId === userId) this.clients.delete(id);
  }
}
