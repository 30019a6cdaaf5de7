import { Field, Float, InputType, Int, ObjectType } from 'type-graphql';
import { IsOptional, Matches, Max, MaxLength, Min } from 'class-validator';
import { LlmProvider } from './llm-config.entity';

const NAME_RULE = 'must be 1 to 100 characters, not all blank';
const MODEL_RULE = 'must be 1 to 200 characters, not all blank';
/** Up to `max` characters, one of them not blank: one rule, so that one problem gives one message. */
const notBlank = (max: number) => new RegExp(`^(?=[\\s\\S]*\\S)[\\s\\S]{1,${max}}$`);

/** The optional fields both inputs share; this base type is not in the schema. On update, a null number goes back to the default. */
@InputType()
abstract class LlmConfigFields {
  @Field(() => String, {
    nullable: true,
    description: "The OpenAI SDK's baseURL, e.g. http://localhost:11434/v1; OPENAI may leave it out for https://api.openai.com/v1.",
  })
  @IsOptional()
  @MaxLength(2048, { message: 'must be at most 2048 characters' })
  baseUrl?: string | null;

  @Field(() => String, { nullable: true, description: 'Stored encrypted, never shown again; on update, an empty string removes it.' })
  @IsOptional()
  @MaxLength(4096, { message: 'must be at most 4096 characters' })
  apiKey?: string | null;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @Min(1, { message: 'must be from 1 to 1000000' })
  @Max(1_000_000, { message: 'must be from 1 to 1000000' })
  maxTokens?: number | null;

  @Field(() => Float, { nullable: true })
  @IsOptional()
  @Min(0, { message: 'must be from 0 to 2' })
  @Max(2, { message: 'must be from 0 to 2' })
  temperature?: number | null;

  @Field(() => Float, { nullable: true })
  @IsOptional()
  @Min(0, { message: 'must be from 0 to 1' })
  @Max(1, { message: 'must be from 0 to 1' })
  topP?: number | null;

  @Field(() => Int, { nullable: true, description: 'In ms, from 1000 to 3600000; null: the server default (LLM_TIMEOUT_MS).' })
  @IsOptional()
  @Min(1000, { message: 'must be from 1000 to 3600000' })
  @Max(3_600_000, { message: 'must be from 1000 to 3600000' })
  timeoutMs?: number | null;
}

@InputType()
export class CreateLlmConfigInput extends LlmConfigFields {
  @Field({ description: 'Unique among your configs, whatever the case.' })
  @Matches(notBlank(100), { message: NAME_RULE })
  name!: string;

  @Field(() => LlmProvider, { defaultValue: LlmProvider.CUSTOM })
  provider!: LlmProvider;

  @Field()
  @Matches(notBlank(200), { message: MODEL_RULE })
  modelName!: string;

  @Field({ defaultValue: false, description: 'Make it the default; your first config is the default whatever this says.' })
  isDefault!: boolean;

  @Field({ defaultValue: false })
  textToolCalls!: boolean;
}

@InputType({ description: 'Only the fields given change.' })
export class UpdateLlmConfigInput extends LlmConfigFields {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(notBlank(100), { message: NAME_RULE })
  name?: string | null;

  @Field(() => LlmProvider, { nullable: true })
  provider?: LlmProvider | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(notBlank(200), { message: MODEL_RULE })
  modelName?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'true makes it the default; the default cannot be unset, only replaced.' })
  isDefault?: boolean | null;

  @Field(() => Boolean, { nullable: true })
  textToolCalls?: boolean | null;
}

@ObjectType({ description: 'Whether a config can be used: its models listed, or else a one-token answer, within 10 s.' })
export class LlmConfigTest {
  @Field()
  ok!: boolean;

  @Field(() => Int)
  latencyMs!: number;

  @Field(() => String, { nullable: true, description: 'The model that answered, when one did.' })
  model!: string | null;

  @Field(() => String, { nullable: true, description: 'What went wrong, with what the endpoint said.' })
  error!: string | null;

  @Field(() => Int, { nullable: true, description: "The endpoint's HTTP status when it answered with an error." })
  upstreamStatus!: number | null;
}
