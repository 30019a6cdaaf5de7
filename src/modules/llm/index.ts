// LLM configs: each user's endpoints, keys encrypted, one default, and the clients that reach them.
import { IsolationLevel } from '@mikro-orm/core';
import type { ModuleDeps } from '../index';
import type { AccountService } from '../accounts';
import { OutboundHttp } from '../../platform/net/outbound';
import { Secrets } from '../../platform/secrets';
import { LlmClients } from './llm-clients';
import { LlmConfigResolver } from './llm-config.resolver';
import { LlmConfigService, type LlmTarget } from './llm-config.service';
import { ResponseCache } from './response-cache';

export { LlmConfigService, type LlmTarget };

export function createLlmModule({ config, kv, container }: ModuleDeps, accounts: AccountService) {
  const secrets = container.get(Secrets);
  const outbound = container.get(OutboundHttp);
  const clients = new LlmClients({
    secrets,
    outbound,
    responseCache: new ResponseCache(kv.store, config.llm.cacheTtlSeconds),
    timeoutMs: config.llm.timeoutMs,
    maxRetries: config.llm.maxRetries,
  });
  const configs = new LlmConfigService(
    clients,
    outbound,
    secrets,
    // Looked up at use, not stored with the config: a demoted admin's configs lose their reach at once.
    async (em, userId) => (await accounts.requireUser(em, userId)).role,
    config.database.url ? IsolationLevel.READ_COMMITTED : undefined,
  );
  container.set(LlmConfigService, configs);
  accounts.ownsUserData((em, userId) => configs.deleteAllOf(em, userId));
  return { configs, resolvers: [LlmConfigResolver] };
}
