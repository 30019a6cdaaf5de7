// The shapes the LLM client takes and gives, shared by the accumulator, the cache and the agent executor.
import type { ChatCompletionFunctionTool, ChatCompletionMessageParam } from 'openai/resources/chat/completions';

/** A message in the OpenAI chat format, as sent to the model. */
export type ChatMessage = ChatCompletionMessageParam;

/** A function tool the model may call, in the OpenAI format. */
export type ChatTool = ChatCompletionFunctionTool;

export interface LlmParams {
  maxTokens?: number | null;
  temperature?: number | null;
  topP?: number | null;
}

export interface ChatRequest {
  messages: ChatMessage[];
  tools?: ChatTool[];
  params?: LlmParams;
}

/** One tool call as the model made it, assembled from however the provider streamed it. */
export interface AssembledToolCall {
  id: string;
  name: string;
  /** The raw concatenated arguments, exactly as the model wrote them. */
  arguments: string;
  /** Set when the arguments are a JSON object (double-encoded ones included). */
  parsedArguments?: Record<string, unknown>;
  /** Set instead when they are not: hand it back to the model so it can correct itself. */
  parseError?: string;
  /** Provider data that must be echoed back on this call next turn (Gemini's `extra_content.google.thought_signature`). */
  extraContent?: Record<string, unknown>;
}

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

export interface LlmUsage extends TokenUsage {
  /** True when the provider sent no usage and the counts are estimated (about 4 characters a token). */
  estimated: boolean;
}

/** What one assistant turn came to once its stream ended. */
export interface AssistantTurn {
  content: string;
  toolCalls: AssembledToolCall[];
  /** As the provider said it, or null when it never did; decide on `toolCalls`, not on this. */
  finishReason: string | null;
  usage: TokenUsage | null;
  /** The model name the provider reported, when it did. */
  model: string | null;
}

export interface LlmResult {
  content: string;
  toolCalls: AssembledToolCall[];
  finishReason: string | null;
  usage: LlmUsage;
  /** The model that answered: as reported by the provider, else the configured one. */
  model: string;
  /** True when the answer came from the response cache. */
  cached: boolean;
}

export interface LlmTestResult {
  ok: boolean;
  latencyMs: number;
  model: string | null;
  /** What went wrong, with the upstream status and message when there was one. */
  error: string | null;
  /** The upstream HTTP status of the failure, when there was one. */
  status: number | null;
}
