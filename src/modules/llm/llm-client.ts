// One OpenAI-compatible endpoint as one LLM config sees it: chat completions with tools, streamed or
// whole; retries only before the first token; a per-config timeout; cancellation; token usage; a test.
// Requests go through the openai SDK; streamed chunks are read raw and assembled by ToolCallAccumulator,
// because the SDK's own stream helper gets 5 of the 12 captured provider streams wrong.
import OpenAI from 'openai';
import type {
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionCreateParamsStreaming,
} from 'openai/resources/chat/completions';
import { AppError, upstreamFailed } from '../../platform/errors';
import {
  describeFailure,
  type Failure,
  isLlmAborted,
  isNetworkError,
  LlmAbortedError,
  networkErrorMessage,
  UpstreamHttpError,
  upstreamMessageOf,
} from './llm-errors';
import type { AssistantTurn, ChatRequest, LlmResult, LlmTestResult } from './llm.types';
import { responseCacheKey, type ResponseCache } from './response-cache';
import { backoffMs, retryAfterMs, waitUnlessAborted } from './retry-policy';
import { readSseData } from './sse-reader';
import { ToolCallAccumulator } from './tool-call-accumulator';
import { estimateUsage } from './usage-estimate';
import { isRecord } from './is-record';

export interface LlmClientOptions {
  /** The SDK's baseURL, e.g. http://localhost:11434/v1. */
  baseUrl: string;
  apiKey?: string | null;
  model: string;
  /** Per attempt: for the whole answer when not streaming, for each next chunk when streaming. */
  timeoutMs: number;
  /** Attempts after the first, on 408, 429, 5xx and network errors, and only before any output. */
  maxRetries: number;
  /** The fetch to send with (the SSRF-guarded one). */
  fetch?: typeof fetch;
  /** The most one event of a streamed answer may hold (OUTBOUND_MAX_RESPONSE_BYTES; the fetch leaves streams to us). */
  maxEventBytes?: number;
  /** Read `<tool_call>` blocks in the content as tool calls (Hermes, Qwen). */
  textToolCalls?: boolean;
  /** Caches non-streamed answers at temperature 0 under this config's id. */
  responseCache?: { cache: ResponseCache; configId: string };
  /** Network errors not worth retrying, e.g. the guarded fetch refusing an address. */
  nonRetryable?: (error: unknown) => boolean;
  /** First backoff step; doubles per attempt (default 500 ms, at most 8 s). */
  retryBaseDelayMs?: number;
  /** A Retry-After longer than this is not waited for: the call fails at once (default 30 s). */
  maxRetryAfterMs?: number;
}

export interface CallOptions {
  signal?: AbortSignal;
  /** When the caller stops waiting (epoch ms): a retry that could not start before it is not waited for. */
  deadline?: number;
  /** Seed for the ids of tool calls that come without one (see ToolCallAccumulator). */
  idSeed?: string;
}

export interface StreamOptions extends CallOptions {
  /** Each piece of text as it arrives, for the user; tool-call text (textToolCalls) never comes here. */
  onText?: (delta: string) => void;
}

interface Attempt {
  signal: AbortSignal;
  /** Restarts the timeout: progress was made. */
  touch(): void;
}

const TEST_DEADLINE_MS = 10_000;
const MAX_BACKOFF_MS = 8_000;

/** The SDK, keeping whatever error body the provider sends instead of only OpenAI's `{ error }`. */
class UpstreamSdk extends OpenAI {
  protected override makeStatusError(status: number, error: object, message: string | undefined, headers: Headers) {
    return new UpstreamHttpError(status, error, message, headers);
  }
}

/** Request fields we can do without when a provider refuses them. */
const OPTIONAL_FIELDS = ['stream_options', 'max_tokens', 'temperature', 'top_p'] as const;
type OptionalField = (typeof OPTIONAL_FIELDS)[number];

/** The optional field a 400/422 refused: the one it names, else stream_options, which many servers refuse unnamed. */
function refusedField(error: unknown, body: object): OptionalField | undefined {
  if (!(error instanceof UpstreamHttpError) || (error.status !== 400 && error.status !== 422)) return undefined;
  const blamed = error.upstreamParam;
  if (blamed !== undefined) return OPTIONAL_FIELDS.find((field) => field === blamed && field in body);
  return 'stream_options' in body ? 'stream_options' : undefined;
}

/** Event data that is not one JSON chunk: servers that forget the blank line between events put several in one. */
function parseJoinedChunks(data: string, error: unknown): unknown[] {
  if (!data.includes('\n')) throw upstreamFailed('The LLM endpoint sent a stream chunk that is not JSON.', {}, error);
  return data.split('\n').map((line) => {
    try {
      return JSON.parse(line) as unknown;
    } catch (lineError) {
      throw upstreamFailed('The LLM endpoint sent a stream chunk that is not JSON.', {}, lineError);
    }
  });
}

export class LlmClient {
  private readonly sdk: OpenAI;
  /** Fields this provider refused and then accepted the request without: left out from then on. */
  private readonly refused = new Set<OptionalField>();

  constructor(private readonly options: LlmClientOptions) {
    this.sdk = new UpstreamSdk({
      baseURL: options.baseUrl,
      // The SDK insists on a key; keyless endpoints (Ollama) get none sent.
      apiKey: options.apiKey || 'none',
      defaultHeaders: options.apiKey ? undefined : { Authorization: null },
      // Never let this server's own OPENAI_* environment reach a user's endpoint.
      organization: null,
      project: null,
      adminAPIKey: null,
      webhookSecret: null,
      timeout: options.timeoutMs,
      maxRetries: 0,
      fetch: options.fetch,
      logLevel: 'off',
    });
  }

  /** Streams one assistant turn, handing text to `onText` as it comes; resolves with the whole turn. */
  async chatStream(request: ChatRequest, options: StreamOptions = {}): Promise<LlmResult> {
    const turn = await this.withRetries(options, (attempt) => this.streamOnce(request, attempt, options));
    return this.result(request, turn);
  }

  /** One assistant turn, not streamed; answered from the cache when the config has one and temperature is 0. */
  async chat(request: ChatRequest, options: CallOptions = {}): Promise<LlmResult> {
    const cache = this.options.responseCache;
    const key = cache?.cache.appliesTo(request.params)
      ? responseCacheKey(cache.configId, this.options.model, request.messages, request.tools, request.params)
      : undefined;
    // A cache that cannot be reached must not fail the call: it only costs a request.
    const hit = cache && key ? await cache.cache.get(key).catch(() => null) : null;
    if (hit) return hit;
    const turn = await this.withRetries(options, (attempt) => this.completeOnce(request, attempt, options));
    const result = this.result(request, turn);
    if (cache && key) await cache.cache.set(key, result).catch(() => undefined);
    return result;
  }

  /** The ids of the models the endpoint lists. */
  async listModels(options: Pick<CallOptions, 'signal' | 'deadline'> = {}): Promise<string[]> {
    return this.withRetries(options, async (attempt) => {
      const page = await this.sdk.models.list({ signal: attempt.signal });
      return page.data.map((model) => model.id);
    });
  }

  /** Can this config be used? Lists the models, else asks for a one-token completion; never takes over 10 s. */
  async test(): Promise<LlmTestResult> {
    const started = performance.now();
    const signal = AbortSignal.timeout(TEST_DEADLINE_MS);
    // A provider asking to be retried after the deadline is reported as it answered, not as a timeout.
    const deadline = Date.now() + TEST_DEADLINE_MS;
    const latencyMs = () => Math.round(performance.now() - started);
    try {
      const listed = await this.listModels({ signal, deadline }).catch((error: unknown) => error);
      if (Array.isArray(listed) && listed.includes(this.options.model)) {
        return { ok: true, latencyMs: latencyMs(), model: this.options.model, error: null, status: null };
      }
      if (!Array.isArray(listed) && !(listed instanceof AppError)) throw listed;
      // A refused key or an unreachable host fails completions too; no /models or an unlisted model gets a real try.
      const final = listed instanceof AppError && [null, 401, 403].some((status) => status === listed.extensions.upstreamStatus);
      if (final) throw listed;
      const answer = await this.chat({ messages: [{ role: 'user', content: 'Say OK.' }], params: { maxTokens: 1 } }, { signal, deadline });
      return { ok: true, latencyMs: latencyMs(), model: answer.model, error: null, status: null };
    } catch (error) {
      if (isLlmAborted(error)) {
        return { ok: false, latencyMs: latencyMs(), model: null, error: `The LLM endpoint did not answer within ${TEST_DEADLINE_MS / 1000} s.`, status: null };
      }
      if (!(error instanceof AppError)) throw error;
      const status = error.extensions.upstreamStatus;
      return { ok: false, latencyMs: latencyMs(), model: null, error: error.message, status: typeof status === 'number' ? status : null };
    }
  }

  private accumulator(request: ChatRequest, idSeed: string | undefined): ToolCallAccumulator {
    return new ToolCallAccumulator({ textToolCalls: this.options.textToolCalls, tools: request.tools, idSeed });
  }

  private async streamOnce(request: ChatRequest, attempt: Attempt, options: StreamOptions): Promise<AssistantTurn> {
    const accumulator = this.accumulator(request, options.idSeed);
    const response = await this.openStream(request, attempt.signal);
    attempt.touch();
    if (!response.body) throw upstreamFailed('The LLM endpoint answered with an empty body.', { upstreamStatus: response.status });
    let chunks = 0;
    const take = (chunk: unknown) => {
      if (isRecord(chunk) && chunk.error != null) throw this.streamedError(chunk.error, accumulator.hasOutput);
      chunks++;
      const text = accumulator.push(chunk);
      if (text !== '') options.onText?.(text);
    };
    try {
      reading: for await (const events of readSseData(response.body, this.options.maxEventBytes)) {
        attempt.touch();
        for (const data of events) {
          if (data === '[DONE]') break reading;
          let chunk: unknown;
          try {
            chunk = JSON.parse(data);
          } catch (error) {
            parseJoinedChunks(data, error).forEach(take);
            continue;
          }
          take(chunk);
        }
      }
    } catch (error) {
      // Once the user has seen output, starting over would repeat or contradict it.
      if (attempt.signal.aborted || !accumulator.hasOutput || !isNetworkError(error)) throw error;
      const upstreamMessage = this.redact(networkErrorMessage(error));
      throw upstreamFailed(
        'The LLM stream broke off after it had started; it was not retried, so that nothing is said twice.',
        { upstreamStatus: null, upstreamMessage, interrupted: true },
        error,
      );
    }
    if (chunks === 0) throw upstreamFailed('The LLM endpoint sent an empty stream.', { upstreamStatus: response.status });
    const { text, turn } = accumulator.finish();
    if (text !== '') options.onText?.(text);
    return turn;
  }

  private openStream(request: ChatRequest, signal: AbortSignal): Promise<Response> {
    return this.sendAdapting(
      () => this.streamingBody(request),
      (body) => this.sdk.chat.completions.create(body, { signal }).asResponse(),
    );
  }

  /**
   * Sends; when the provider refuses an optional field (OpenAI's reasoning models refuse max_tokens and
   * temperature, many servers stream_options), sends once more without it and remembers that if it helped.
   */
  private async sendAdapting<Body extends object, T>(build: () => Body, send: (body: Body) => Promise<T>): Promise<T> {
    const body = build();
    try {
      return await send(body);
    } catch (error) {
      const field = refusedField(error, body);
      if (!field) throw error;
      this.refused.add(field);
      try {
        return await send(build());
      } catch (again) {
        // Leaving it out did not help: the 400 was about something else.
        this.refused.delete(field);
        throw again;
      }
    }
  }

  private async completeOnce(request: ChatRequest, attempt: Attempt, options: CallOptions): Promise<AssistantTurn> {
    const completion: unknown = await this.sendAdapting(
      () => this.completionBody(request),
      (body) => this.sdk.chat.completions.create(body, { signal: attempt.signal }),
    );
    if (!isRecord(completion) || !Array.isArray(completion.choices)) {
      throw upstreamFailed('The LLM endpoint answered with something that is not a chat completion.');
    }
    // The message of a whole completion is read as one big delta: the same quirks apply.
    const accumulator = this.accumulator(request, options.idSeed);
    accumulator.push({
      model: completion.model,
      usage: completion.usage,
      choices: completion.choices.map((choice: unknown) =>
        isRecord(choice) ? { index: choice.index, delta: choice.message, finish_reason: choice.finish_reason } : choice,
      ),
    });
    return accumulator.finish().turn;
  }

  private baseBody(request: ChatRequest) {
    const { messages, tools, params = {} } = request;
    return {
      model: this.options.model,
      messages,
      ...(tools && tools.length > 0 ? { tools } : {}),
      ...(params.maxTokens == null
        ? {}
        : this.refused.has('max_tokens')
          ? { max_completion_tokens: params.maxTokens }
          : { max_tokens: params.maxTokens }),
      ...(params.temperature != null && !this.refused.has('temperature') ? { temperature: params.temperature } : {}),
      ...(params.topP != null && !this.refused.has('top_p') ? { top_p: params.topP } : {}),
    };
  }

  private streamingBody(request: ChatRequest): ChatCompletionCreateParamsStreaming {
    return {
      ...this.baseBody(request),
      stream: true,
      ...(this.refused.has('stream_options') ? {} : { stream_options: { include_usage: true } }),
    };
  }

  private completionBody(request: ChatRequest): ChatCompletionCreateParamsNonStreaming {
    return { ...this.baseBody(request), stream: false };
  }

  /** An error event (vLLM sends them once its 200 is out): before any output it counts as the HTTP error it names, so a 503 is retried. */
  private streamedError(error: unknown, afterOutput: boolean): Error {
    const code = isRecord(error) ? (error.code ?? error.status) : undefined;
    const status = typeof code === 'number' ? code : null;
    if (!afterOutput && status !== null && status >= 400 && status < 600) return new UpstreamHttpError(status, { error }, undefined, new Headers());
    const upstreamMessage = this.redact(upstreamMessageOf({ error }, undefined));
    return upstreamFailed(`The LLM endpoint reported an error mid-stream: ${upstreamMessage}`, { upstreamStatus: status, upstreamMessage });
  }

  private result(request: ChatRequest, turn: AssistantTurn): LlmResult {
    return {
      content: turn.content,
      toolCalls: turn.toolCalls,
      finishReason: turn.finishReason,
      usage: turn.usage ? { ...turn.usage, estimated: false } : estimateUsage(request, turn),
      model: turn.model ?? this.options.model,
      cached: false,
    };
  }

  private readonly redact = (text: string): string => {
    const key = this.options.apiKey;
    return key ? text.split(key).join('[redacted]') : text;
  };

  /** Runs attempts until one succeeds, the failure is not worth retrying, or retries run out. */
  private async withRetries<T>({ signal, deadline }: Pick<CallOptions, 'signal' | 'deadline'>, run: (attempt: Attempt) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const outcome = await this.attemptOnce(signal, run);
      if ('value' in outcome) return outcome.value;
      const { failure } = outcome;
      const delay = failure.retryable && attempt < this.options.maxRetries ? this.retryDelay(attempt, failure.retryAfterMs) : null;
      if (delay === null || (deadline !== undefined && Date.now() + delay >= deadline)) {
        failure.error.extensions.attempts = attempt + 1;
        throw failure.error;
      }
      await waitUnlessAborted(delay, signal);
    }
  }

  private async attemptOnce<T>(
    signal: AbortSignal | undefined,
    run: (attempt: Attempt) => Promise<T>,
  ): Promise<{ value: T } | { failure: Failure }> {
    if (signal?.aborted) throw new LlmAbortedError(signal.reason);
    const controller = new AbortController();
    const cancel = () => controller.abort(signal?.reason);
    signal?.addEventListener('abort', cancel, { once: true });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.options.timeoutMs);
    try {
      return { value: await run({ signal: controller.signal, touch: () => timer.refresh() }) };
    } catch (error) {
      if (signal?.aborted) throw new LlmAbortedError(signal.reason);
      const failure = describeFailure(error, {
        timeoutMs: this.options.timeoutMs,
        timedOut,
        redact: this.redact,
        nonRetryable: this.options.nonRetryable,
        retryAfterMs,
      });
      if (!failure) throw error;
      return { failure };
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', cancel);
    }
  }

  /** null: the provider asks for a longer wait than we hold a request for. */
  private retryDelay(attempt: number, requestedMs: number | undefined): number | null {
    if (requestedMs === undefined) return backoffMs(attempt, this.options.retryBaseDelayMs ?? 500, MAX_BACKOFF_MS);
    return requestedMs <= (this.options.maxRetryAfterMs ?? 30_000) ? requestedMs : null;
  }
}
