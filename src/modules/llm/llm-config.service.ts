// The rules of LLM configs: each user's own, names unique per user, the API key encrypted, base URLs
// through the SSRF policy, and exactly one default per user with configs, held by the database itself.
import { DeadlockException, type IsolationLevel, LockMode, UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '../../platform/db/orm';
import { badInput, conflict, notFound } from '../../platform/errors';
import type { Principal, Role } from '../../platform/graphql/context';
import type { OutboundHttp } from '../../platform/net/outbound';
import type { Secrets } from '../../platform/secrets';
import type { LlmClient } from './llm-client';
import type { LlmClients } from './llm-clients';
import { LlmConfig, LlmProvider } from './llm-config.entity';
import type { CreateLlmConfigInput, LlmConfigTest, UpdateLlmConfigInput } from './llm-config.inputs';
import type { LlmParams } from './llm.types';

/** The current role of a user: their configs' endpoints are reached as that role may. */
export type RoleOf = (em: EntityManager, userId: string) => Promise<Role>;

/** What the agent needs to talk to one config's model. */
export interface LlmTarget {
  config: LlmConfig;
  client: LlmClient;
  /** The config's sampling parameters, for ChatRequest.params. */
  params: LlmParams;
}

const OPENAI_BASE_URL = 'https://api.openai.com/v1';
const NOT_FOUND = 'LLM config';
const NAME_TAKEN = 'is already the name of another of your configs';
/** Keys shorter than this get no hint: four characters would give away too much of them. */
const HINT_MIN_KEY_LENGTH = 16;
/** A racing first config is refused by the unique index (or, rarely, picked as a deadlock victim): once more sees it. */
const ATTEMPTS = 2;

const nameKey = (name: string) => name.toLowerCase();
const hintOf = (apiKey: string) => (apiKey.length >= HINT_MIN_KEY_LENGTH ? apiKey.slice(-4) : null);
const newestFirst = (a: LlmConfig, b: LlmConfig) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1);

export class LlmConfigService {
  constructor(
    private readonly clients: LlmClients,
    private readonly outbound: OutboundHttp,
    private readonly secrets: Secrets,
    private readonly roleOf: RoleOf,
    /** READ COMMITTED on MySQL: no gap locks, so racing first configs meet at the unique index instead of deadlocking. */
    private readonly isolationLevel: IsolationLevel | undefined,
  ) {}

  list(em: EntityManager, userId: string): Promise<LlmConfig[]> {
    return em.find(LlmConfig, { userId }, { orderBy: { nameKey: 'ASC' } });
  }

  find(em: EntityManager, userId: string, id: string): Promise<LlmConfig | null> {
    return em.findOne(LlmConfig, { id, userId });
  }

  findDefault(em: EntityManager, userId: string): Promise<LlmConfig | null> {
    return em.findOne(LlmConfig, { defaultForUser: userId });
  }

  async create(em: EntityManager, principal: Principal, input: CreateLlmConfigInput): Promise<LlmConfig> {
    const baseUrl = await this.baseUrl(input.baseUrl, input.provider, principal.role);
    const name = input.name.trim();
    const key = input.apiKey?.trim() || null;
    return this.changeConfigsOf(em, principal.userId, async (tx, owned) => {
      assertNameFree(owned, name);
      const config = tx.create(LlmConfig, {
        userId: principal.userId,
        name,
        nameKey: nameKey(name),
        provider: input.provider,
        modelName: input.modelName.trim(),
        baseUrl,
        apiKeyEncrypted: key && this.secrets.encrypt(key),
        apiKeyHint: key && hintOf(key),
        maxTokens: input.maxTokens ?? null,
        temperature: input.temperature ?? null,
        topP: input.topP ?? null,
        timeoutMs: input.timeoutMs ?? null,
        textToolCalls: input.textToolCalls,
      });
      if (input.isDefault || !owned.some((other) => other.isDefault)) await makeDefault(tx, owned, config);
      return config;
    });
  }

  async update(em: EntityManager, principal: Principal, id: string, input: UpdateLlmConfigInput): Promise<LlmConfig> {
    const givenUrl = input.baseUrl?.trim() || null;
    if (givenUrl) await this.outbound.assertAllowed(givenUrl, principal.role, 'baseUrl');
    const config = await this.changeConfigsOf(em, principal.userId, async (tx, owned) => {
      const config = owned.find((candidate) => candidate.id === id);
      if (!config) throw notFound(NOT_FOUND);
      if (input.isDefault === false && config.isDefault) {
        throw badInput({ isDefault: 'cannot be unset: make another config the default instead' });
      }
      if (input.name != null) {
        const name = input.name.trim();
        assertNameFree(owned, name, config);
        Object.assign(config, { name, nameKey: nameKey(name) });
      }
      if (input.provider != null) config.provider = input.provider;
      if (input.modelName != null) config.modelName = input.modelName.trim();
      // An empty baseUrl falls back to the provider's own, where it has one.
      if (input.baseUrl != null) config.baseUrl = givenUrl ?? requireDefaultBaseUrl(config.provider);
      if (input.apiKey != null) this.setApiKey(config, input.apiKey.trim());
      if (input.maxTokens !== undefined) config.maxTokens = input.maxTokens;
      if (input.temperature !== undefined) config.temperature = input.temperature;
      if (input.topP !== undefined) config.topP = input.topP;
      if (input.timeoutMs !== undefined) config.timeoutMs = input.timeoutMs;
      if (input.textToolCalls != null) config.textToolCalls = input.textToolCalls;
      if (input.isDefault && !config.isDefault) await makeDefault(tx, owned, config);
      return config;
    });
    this.clients.forget(id);
    return config;
  }

  /** Deletes a config; when it was the default, the newest other one becomes it. */
  async delete(em: EntityManager, userId: string, id: string): Promise<void> {
    await this.changeConfigsOf(em, userId, async (tx, owned) => {
      const config = owned.find((candidate) => candidate.id === id);
      if (!config) throw notFound(NOT_FOUND);
      tx.remove(config);
      await tx.flush();
      const successor = config.isDefault ? owned.filter((other) => other !== config).sort(newestFirst)[0] : undefined;
      if (successor) await makeDefault(tx, [], successor);
    });
    this.clients.forget(id);
  }

  setDefault(em: EntityManager, userId: string, id: string): Promise<LlmConfig> {
    return this.changeConfigsOf(em, userId, async (tx, owned) => {
      const config = owned.find((candidate) => candidate.id === id);
      if (!config) throw notFound(NOT_FOUND);
      if (!config.isDefault) await makeDefault(tx, owned, config);
      return config;
    });
  }

  /** For deleteMe: runs inside its transaction. */
  async deleteAllOf(em: EntityManager, userId: string): Promise<void> {
    await em.nativeDelete(LlmConfig, { userId });
    this.clients.forgetUser(userId);
  }

  /**
   * The client for one of the user's configs, or for their default when `configId` is null:
   * NOT_FOUND for an id that is not theirs, BAD_USER_INPUT when they have no config at all.
   */
  async clientFor(em: EntityManager, userId: string, configId: string | null): Promise<LlmTarget> {
    const config = configId === null ? await this.findDefault(em, userId) : await this.find(em, userId, configId);
    if (!config) {
      if (configId !== null) throw notFound(NOT_FOUND);
      throw badInput({ llmConfigId: 'you have no LLM config yet: create one with createLlmConfig' });
    }
    const client = this.clients.get(config, await this.roleOf(em, userId));
    return { config, client, params: { maxTokens: config.maxTokens, temperature: config.temperature, topP: config.topP } };
  }

  /** Reaches the endpoint as the config's owner may; any failure to get an answer is `ok: false`. */
  async test(em: EntityManager, userId: string, id: string): Promise<LlmConfigTest> {
    const { client } = await this.clientFor(em, userId, id);
    const { status, ...result } = await client.test();
    return { ...result, upstreamStatus: status };
  }

  private async baseUrl(given: string | null | undefined, provider: LlmProvider, role: Role): Promise<string> {
    const url = given?.trim();
    if (!url) return requireDefaultBaseUrl(provider);
    await this.outbound.assertAllowed(url, role, 'baseUrl');
    return url;
  }

  private setApiKey(config: LlmConfig, apiKey: string): void {
    config.apiKeyEncrypted = apiKey === '' ? null : this.secrets.encrypt(apiKey);
    config.apiKeyHint = apiKey === '' ? null : hintOf(apiKey);
  }

  /**
   * Runs a change to the user's configs in a transaction that first locks them all, in one order, so
   * that changes to one user's configs take turns; retried when a racing one got in first.
   */
  private async changeConfigsOf<T>(em: EntityManager, userId: string, change: (tx: EntityManager, owned: LlmConfig[]) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await em.transactional(
          async (tx) => {
            const owned = await tx.find(LlmConfig, { userId }, { lockMode: LockMode.PESSIMISTIC_WRITE, orderBy: { id: 'ASC' }, refresh: true });
            return change(tx, owned);
          },
          { isolationLevel: this.isolationLevel },
        );
      } catch (error) {
        const raced = error instanceof UniqueConstraintViolationException || error instanceof DeadlockException;
        if (!raced || attempt >= ATTEMPTS) throw error;
      }
    }
  }
}

function requireDefaultBaseUrl(provider: LlmProvider): string {
  if (provider === LlmProvider.OPENAI) return OPENAI_BASE_URL;
  throw badInput({ baseUrl: `is required for the ${provider} provider (e.g. http://localhost:11434/v1)` });
}

function assertNameFree(owned: LlmConfig[], name: string, self?: LlmConfig): void {
  if (owned.some((other) => other !== self && other.nameKey === nameKey(name))) {
    throw conflict(`You already have an LLM config named "${name}".`, { name: NAME_TAKEN });
  }
}

/** The old default is cleared and flushed before the new one is set: the unique index never sees two. */
async function makeDefault(tx: EntityManager, owned: LlmConfig[], config: LlmConfig): Promise<void> {
  for (const other of owned) if (other !== config && other.isDefault) other.defaultForUser = null;
  await tx.flush();
  config.defaultForUser = config.userId;
  await tx.flush();
}
