import { Arg, Authorized, Ctx, Directive, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { Context } from '../../platform/graphql/context';
import { LlmConfig } from './llm-config.entity';
import { CreateLlmConfigInput, LlmConfigTest, UpdateLlmConfigInput } from './llm-config.inputs';
import { LlmConfigService } from './llm-config.service';

@Resolver()
export class LlmConfigResolver {
  constructor(private readonly configs: LlmConfigService) {}

  @Authorized()
  @Query(() => [LlmConfig], { description: 'Your LLM configs, by name.' })
  llmConfigs(@Ctx() ctx: Context): Promise<LlmConfig[]> {
    return this.configs.list(ctx.em, ctx.user!.userId);
  }

  @Authorized()
  @Query(() => LlmConfig, { nullable: true, description: 'One of your LLM configs; null for any other id.' })
  llmConfig(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<LlmConfig | null> {
    return this.configs.find(ctx.em, ctx.user!.userId, id);
  }

  @Authorized()
  @Query(() => LlmConfig, { nullable: true, description: 'The config used when none is named; null until you have one.' })
  defaultLlmConfig(@Ctx() ctx: Context): Promise<LlmConfig | null> {
    return this.configs.findDefault(ctx.em, ctx.user!.userId);
  }

  @Authorized()
  @Mutation(() => LlmConfig, { description: 'Your first config becomes your default.' })
  createLlmConfig(@Arg('input') input: CreateLlmConfigInput, @Ctx() ctx: Context): Promise<LlmConfig> {
    return this.configs.create(ctx.em, ctx.user!, input);
  }

  @Authorized()
  @Mutation(() => LlmConfig)
  updateLlmConfig(@Arg('id', () => ID) id: string, @Arg('input') input: UpdateLlmConfigInput, @Ctx() ctx: Context): Promise<LlmConfig> {
    return this.configs.update(ctx.em, ctx.user!, id, input);
  }

  @Authorized()
  @Mutation(() => Boolean, { description: 'Deleting the default makes your newest other config the default.' })
  async deleteLlmConfig(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<boolean> {
    await this.configs.delete(ctx.em, ctx.user!.userId, id);
    return true;
  }

  @Authorized()
  @Mutation(() => LlmConfig, { description: 'Makes this config your default, and no other.' })
  setDefaultLlmConfig(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<LlmConfig> {
    return this.configs.setDefault(ctx.em, ctx.user!.userId, id);
  }

  @Authorized()
  @Directive('@rateLimit(limit: 10, duration: 60)')
  @Mutation(() => LlmConfigTest, { description: 'Tries the endpoint (models listed, else a one-token answer) within 10 s; a failure is ok: false, not an error.' })
  testLlmConfig(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<LlmConfigTest> {
    return this.configs.test(ctx.em, ctx.user!.userId, id);
  }
}
