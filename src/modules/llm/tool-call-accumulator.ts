// Assembles one assistant turn from raw `chat.completion.chunk` objects, as each provider really
// sends them (see shared/fixtures/llm-streams/README.md): the SDK's types deny half of these shapes,
// so chunks are read as unknown JSON.
import { randomBytes } from 'node:crypto';
import type { AssembledToolCall, AssistantTurn, ChatTool, TokenUsage } from './llm.types';
import { parameterTypesOf, TextToolCallScanner, type ScanResult } from './text-tool-calls';
import { isCompleteJson, parseToolArguments } from './tool-arguments';
import { isRecord } from './is-record';

export interface AccumulatorOptions {
  /** Parse `<tool_call>` blocks written in the content into tool calls (Hermes, Qwen). */
  textToolCalls?: boolean;
  /** The tools offered, to type the parameters of XML text calls. */
  tools?: readonly ChatTool[];
  /** Seed of the ids generated for calls that came without one: same seed and stream, same ids. */
  idSeed?: string;
}

interface PendingCall {
  id: string;
  name: string;
  arguments: string;
  extraContent?: Record<string, unknown>;
}

type Json = Record<string, unknown>;

const nonEmptyString = (value: unknown): string => (typeof value === 'string' ? value : '');

/** Arguments fragments are strings; some providers send the whole arguments as an object. */
const argumentsText = (value: unknown): string =>
  typeof value === 'string' ? value : isRecord(value) || Array.isArray(value) ? JSON.stringify(value) : '';

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((part) => (isRecord(part) && typeof part.text === 'string' ? part.text : '')).join('');
}

function readUsage(usage: Json): TokenUsage | null {
  const prompt = usage.prompt_tokens;
  const completion = usage.completion_tokens;
  if (typeof prompt !== 'number' || typeof completion !== 'number') return null;
  const total = typeof usage.total_tokens === 'number' ? usage.total_tokens : prompt + completion;
  return { promptTokens: prompt, completionTokens: completion, totalTokens: total };
}

/*
 * Which call a tool-call delta belongs to.
 * - A delta's slot is its `index` when it has one, else its position in this chunk's `tool_calls`
 *   array; without an index, a known id finds its call first.
 * - A delta continues the call in its slot unless it names a function and that call is done with:
 *   another function's name opens a new call when the current one's arguments are empty or whole
 *   JSON; the same name does when they are whole JSON and the delta either brings arguments of its
 *   own, not only whitespace (appending them could only break the JSON) or carries another id in a
 *   stream whose ids have been stable. Ollama and sglang reuse index 0 for parallel calls that each
 *   start with a new id and name: new calls. OCI via LiteLLM changes the id on every fragment of one
 *   call, with `name: ""`: a continuation, and from then on ids in this stream prove nothing.
 * - A fragment that names no call and lands in an empty slot continues the latest call.
 * - Arguments that repeat the whole, complete arguments of the call they land on (proxies resend
 *   them, LiteLLM double-encoded) add nothing, unless another id says it is another call.
 * - id and name come from the first non-empty value; `""` and null later mean nothing.
 */
export class ToolCallAccumulator {
  private content = '';
  private readonly calls: PendingCall[] = [];
  private readonly slots = new Map<string, PendingCall>();
  private latest: PendingCall | undefined;
  private idsUnstable = false;
  private finishReason: string | null = null;
  private usage: TokenUsage | null = null;
  private model: string | null = null;
  private started = false;
  private readonly scanner: TextToolCallScanner | undefined;
  private readonly idSeed: string;

  constructor(options: AccumulatorOptions = {}) {
    this.scanner = options.textToolCalls ? new TextToolCallScanner(parameterTypesOf(options.tools ?? [])) : undefined;
    this.idSeed = options.idSeed ?? randomBytes(4).toString('hex');
  }

  /** True once the model produced content or tool-call data: from then on a retry would repeat or lose output. */
  get hasOutput(): boolean {
    return this.started;
  }

  /** Takes one chunk; returns the text to stream to the user now (possibly ''). */
  push(chunk: unknown): string {
    if (!isRecord(chunk)) return '';
    if (isRecord(chunk.usage)) this.usage = readUsage(chunk.usage) ?? this.usage;
    if (typeof chunk.model === 'string' && chunk.model !== '') this.model = chunk.model;
    // Only the first choice is read, whatever its index: we never ask for n > 1, and TGI 1.4 numbered it by token.
    const choice: unknown = Array.isArray(chunk.choices) ? chunk.choices[0] : undefined;
    if (!isRecord(choice)) return '';
    const delta = isRecord(choice.delta) ? choice.delta : isRecord(choice.message) ? choice.message : undefined;
    const text = delta ? this.takeDelta(delta) : '';
    if (typeof choice.finish_reason === 'string' && choice.finish_reason !== '') this.finishReason = choice.finish_reason;
    return text;
  }

  /** Ends the turn: `text` is held-back content to stream before the turn is complete. */
  finish(): { text: string; turn: AssistantTurn } {
    const tail = this.scanner?.flush() ?? { text: '', calls: [] };
    this.content += tail.text;
    this.addTextCalls(tail);
    return {
      text: tail.text,
      turn: {
        content: this.content,
        toolCalls: this.assembledCalls(),
        finishReason: this.finishReason,
        usage: this.usage,
        model: this.model,
      },
    };
  }

  private takeDelta(delta: Json): string {
    const piece = contentText(delta.content);
    let text = '';
    // OCI Cohere via LiteLLM restates the whole text so far on the chunk that carries the tool calls.
    const restated = piece === this.content && Array.isArray(delta.tool_calls) && delta.tool_calls.length > 0;
    if (piece !== '' && !restated) {
      this.started = true;
      if (this.scanner) {
        const scanned = this.scanner.push(piece);
        text = scanned.text;
        this.addTextCalls(scanned);
      } else {
        text = piece;
      }
      this.content += text;
    }
    if (Array.isArray(delta.tool_calls)) {
      // The entries of one delta are distinct calls: none of them restates another.
      const taken = new Set<PendingCall>();
      delta.tool_calls.forEach((entry, position) => this.takeToolCall(entry, position, taken));
    } else if (isRecord(delta.function_call)) {
      this.takeToolCall({ function: delta.function_call }, 0, new Set());
    }
    return text;
  }

  private takeToolCall(entry: unknown, position: number, taken: Set<PendingCall>): void {
    if (!isRecord(entry)) return;
    const fn = isRecord(entry.function) ? entry.function : {};
    const id = nonEmptyString(entry.id);
    const name = nonEmptyString(fn.name);
    let args = argumentsText(fn.arguments);
    const extra = isRecord(entry.extra_content) ? entry.extra_content : undefined;
    if (id === '' && name === '' && args === '' && !extra) return;
    this.started = true;

    const index = typeof entry.index === 'number' && Number.isInteger(entry.index) ? entry.index : undefined;
    const slot = index === undefined ? `p${position}` : `i${index}`;
    let call = index === undefined && id !== '' && !this.idsUnstable ? this.calls.find((c) => c.id === id) : undefined;
    call ??= this.slots.get(slot) ?? (id === '' && name === '' ? this.latest : undefined);
    // Proxies resend complete arguments whole (LiteLLM's summary chunk, OpenCodex): they add nothing.
    if (call && !taken.has(call) && this.restates(call, id, name, args)) args = '';

    if (!call || this.opensNewCall(call, id, name, args)) {
      call = { id, name, arguments: '' };
      this.calls.push(call);
    } else if (id !== '' && call.id !== '' && id !== call.id) {
      this.idsUnstable = true;
    }
    this.slots.set(slot, call);
    this.latest = call;
    taken.add(call);
    if (call.id === '') call.id = id;
    if (call.name === '') call.name = name;
    call.arguments += args;
    if (extra) call.extraContent = { ...call.extraContent, ...extra };
  }

  private opensNewCall(call: PendingCall, id: string, name: string, args: string): boolean {
    if (name === '' || call.name === '') return false;
    // A function's name never changes within one call.
    if (name !== call.name) return call.arguments.trim() === '' || isCompleteJson(call.arguments);
    if (!isCompleteJson(call.arguments)) return false;
    return args.trim() !== '' || (id !== '' && id !== call.id && !this.idsUnstable);
  }

  /** True when the delta is this same call again with the arguments it already has, complete (re-encoded or not). */
  private restates(call: PendingCall, id: string, name: string, args: string): boolean {
    if ((name !== '' && name !== call.name) || (id !== '' && id !== call.id && !this.idsUnstable)) return false;
    // The fragment first: in a sound stream it is rarely whole JSON, so the call's arguments are seldom parsed.
    if (!isCompleteJson(args) || !isCompleteJson(call.arguments)) return false;
    const again = parseToolArguments(args);
    const before = parseToolArguments(call.arguments);
    return 'parsedArguments' in again && 'parsedArguments' in before && JSON.stringify(again.parsedArguments) === JSON.stringify(before.parsedArguments);
  }

  private addTextCalls(scanned: ScanResult): void {
    for (const call of scanned.calls) this.calls.push({ id: '', name: call.name, arguments: call.arguments });
  }

  private assembledCalls(): AssembledToolCall[] {
    const assembled: AssembledToolCall[] = [];
    const ids = new Set<string>();
    for (const call of this.calls) {
      // LM Studio sends shells like { id: "", type: "function" } with nothing in them.
      if (call.name === '' && call.arguments.trim() === '') continue;
      const id = call.id !== '' && !ids.has(call.id) ? call.id : `call_${this.idSeed}_${assembled.length + 1}`;
      ids.add(id);
      assembled.push({
        id,
        name: call.name,
        arguments: call.arguments,
        ...parseToolArguments(call.arguments),
        ...(call.extraContent ? { extraContent: call.extraContent } : {}),
      });
    }
    return assembled;
  }
}
