import { Entity, OptionalProps, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { newId } from '../../platform/db/ids';

export enum LlmProvider {
  OPENAI = 'OPENAI',
  CUSTOM = 'CUSTOM',
  LOCAL = 'LOCAL',
}
registerEnumType(LlmProvider, {
  name: 'LlmProvider',
  description: 'Who serves the model: OpenAI, another OpenAI-compatible service, or a model server of your own (Ollama, vLLM, LM Studio).',
});

@ObjectType({ description: 'An OpenAI-compatible endpoint and model to chat with, and how to call it.' })
@Entity({ tableName: 'llm_config' })
// Also the index for "the user's configs".
@Unique({ properties: ['userId', 'nameKey'] })
export class LlmConfig {
  [OptionalProps]?:
    | 'id'
    | 'provider'
    | 'apiKeyEncrypted'
    | 'apiKeyHint'
    | 'maxTokens'
    | 'temperature'
    | 'topP'
    | 'timeoutMs'
    | 'textToolCalls'
    | 'defaultForUser'
    | 'isDefault'
    | 'hasApiKey'
    | 'createdAt'
    | 'updatedAt';

  @Field(() => ID)
  @PrimaryKey({ type: 'string', length: 36 })
  id: string = newId();

  @Property({ type: 'string', length: 36 })
  userId!: string;

  @Field()
  @Property({ type: 'string', length: 100 })
  name!: string;

  /** The name lowercased: names are unique per user without regard to case, on every database. */
  @Property({ type: 'string', length: 100 })
  nameKey!: string;

  @Field(() => LlmProvider)
  // A plain string column: MikroORM misreads SQLite checks of three or more values, and new providers need no migration.
  @Property({ type: 'string', length: 10 })
  provider: LlmProvider = LlmProvider.CUSTOM;

  @Field({ description: 'The model to ask for, as the endpoint names it (e.g. gpt-4o-mini, llama3.1:8b).' })
  @Property({ type: 'string', length: 200 })
  modelName!: string;

  @Field({ description: "The OpenAI SDK's baseURL, e.g. http://localhost:11434/v1." })
  @Property({ type: 'string', length: 2048 })
  baseUrl!: string;

  /** AES-256-GCM (Secrets); never returned. */
  @Property({ type: 'text', nullable: true, hidden: true })
  apiKeyEncrypted: string | null = null;

  @Field(() => String, { nullable: true, description: 'The last 4 characters of the API key (none for keys under 16 characters).' })
  @Property({ type: 'string', length: 4, nullable: true })
  apiKeyHint: string | null = null;

  @Field(() => Int, { nullable: true, description: "At most this many tokens per answer; null: the endpoint's default." })
  @Property({ type: 'integer', nullable: true })
  maxTokens: number | null = null;

  @Field(() => Float, { nullable: true, description: "0 to 2; null: the endpoint's default. At 0, answers may be served from the response cache." })
  @Property({ type: 'double', runtimeType: 'number', nullable: true })
  temperature: number | null = null;

  @Field(() => Float, { nullable: true, description: "0 to 1; null: the endpoint's default." })
  @Property({ type: 'double', runtimeType: 'number', nullable: true })
  topP: number | null = null;

  @Field(() => Int, { nullable: true, description: "How long to wait for an answer (or, streaming, for its next piece), in ms; null: the server's LLM_TIMEOUT_MS." })
  @Property({ type: 'integer', nullable: true })
  timeoutMs: number | null = null;

  @Field({ description: 'Read `<tool_call>` blocks in the text as tool calls, for models that write them there (Hermes, Qwen).' })
  @Property({ type: 'boolean' })
  textToolCalls: boolean = false;

  /** The owner's id on their default config only: the unique index lets the database refuse a second default. */
  @Property({ type: 'string', length: 36, nullable: true, unique: true })
  defaultForUser: string | null = null;

  @Field()
  @Property({ type: 'datetime', length: 3 })
  createdAt: Date = new Date();

  @Field()
  @Property({ type: 'datetime', length: 3, onUpdate: () => new Date() })
  updatedAt: Date = new Date();

  @Field(() => Boolean, { description: 'The config used when none is named; every user with configs has exactly one.' })
  get isDefault(): boolean {
    return this.defaultForUser !== null;
  }

  @Field(() => Boolean)
  get hasApiKey(): boolean {
    return this.apiKeyEncrypted !== null;
  }
}
