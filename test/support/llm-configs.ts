// LLM configs for tests, made through the API as clients make them; and an app whose log lines a test can read.
import { capturingLogger, startApp, type TestApp } from './app';
import type { GraphqlClient } from './graphql';

export const LLM_CONFIG_FIELDS = 'id name provider modelName baseUrl hasApiKey apiKeyHint maxTokens temperature topP timeoutMs textToolCalls isDefault createdAt updatedAt';

export interface LlmConfigView {
  id: string;
  name: string;
  provider: 'OPENAI' | 'CUSTOM' | 'LOCAL';
  modelName: string;
  baseUrl: string;
  hasApiKey: boolean;
  apiKeyHint: string | null;
  maxTokens: number | null;
  temperature: number | null;
  topP: number | null;
  timeoutMs: number | null;
  textToolCalls: boolean;
  isDefault: boolean;
  createdAt: string;
  updatedAt: string;
}

export const CREATE_LLM_CONFIG = `mutation ($input: CreateLlmConfigInput!) { createLlmConfig(input: $input) { ${LLM_CONFIG_FIELDS} } }`;
export const UPDATE_LLM_CONFIG = `mutation ($id: ID!, $input: UpdateLlmConfigInput!) { updateLlmConfig(id: $id, input: $input) { ${LLM_CONFIG_FIELDS} } }`;
export const LLM_CONFIGS = `{ llmConfigs { ${LLM_CONFIG_FIELDS} } }`;

let counter = 0;

/** A config on `baseUrl` (e.g. the fake LLM's url), named uniquely unless the input names it. */
export async function createLlmConfig(client: GraphqlClient, baseUrl: string, input: Record<string, unknown> = {}): Promise<LlmConfigView> {
  const data = await client.data<{ createLlmConfig: LlmConfigView }>(CREATE_LLM_CONFIG, {
    input: { name: `config ${++counter}`, modelName: 'fake-model', baseUrl, ...input },
  });
  return data.createLlmConfig;
}

/** An app (like startApp's) logging everything at debug, queries included; `lines` are the raw log lines. */
export async function startLoggedApp(overrides: Record<string, string> = {}): Promise<TestApp & { lines: string[] }> {
  const logs = capturingLogger('debug');
  const app = await startApp({ LOG_LEVEL: 'debug', DB_DEBUG: 'true', ...overrides }, { logger: logs.logger });
  return Object.assign(app, { lines: logs.raw });
}
