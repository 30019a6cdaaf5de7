// Finds the tool calls that some models write as text in `content` instead of `tool_calls`:
// Hermes and Qwen 2.5 put JSON in <tool_call> tags, Qwen3-Coder puts <function=…> XML in them.
import type { ChatTool } from './llm.types';
import { isRecord } from './is-record';

const OPEN = '<tool_call>';
const CLOSE = '</tool_call>';

export interface TextToolCall {
  name: string;
  /** JSON text, or the raw text the model wrote when it is not JSON. */
  arguments: string;
}

export interface ScanResult {
  /** Text to show the user now: everything outside the tags. */
  text: string;
  calls: TextToolCall[];
}

/** The JSON Schema type a tool declares for one of its parameters, if any. */
export type ParameterType = (toolName: string, parameter: string) => string | undefined;

export function parameterTypesOf(tools: readonly ChatTool[]): ParameterType {
  const properties = new Map(tools.map((tool) => [tool.function.name, tool.function.parameters?.properties]));
  return (toolName, parameter) => {
    const declared = properties.get(toolName);
    const schema = isRecord(declared) ? declared[parameter] : undefined;
    const type = isRecord(schema) ? schema.type : undefined;
    if (typeof type === 'string') return type;
    return Array.isArray(type) ? type.find((t): t is string => typeof t === 'string' && t !== 'null') : undefined;
  };
}

/** Streams content through, holding back only what may be the start of a tag and what is inside one. */
export class TextToolCallScanner {
  private buffer = '';
  private inBlock = false;

  constructor(private readonly parameterType: ParameterType = () => undefined) {}

  push(text: string): ScanResult {
    if (!this.inBlock && this.buffer === '' && !text.includes('<')) return { text, calls: [] };
    this.buffer += text;
    return this.scan();
  }

  /** Ends the stream: releases held-back text; a block cut off before its closing tag is still a call if it reads as one. */
  flush(): ScanResult {
    const rest = this.buffer;
    const inBlock = this.inBlock;
    this.buffer = '';
    this.inBlock = false;
    if (!inBlock) return { text: rest, calls: [] };
    const calls = parseBlock(rest, this.parameterType);
    return calls ? { text: '', calls } : { text: OPEN + rest, calls: [] };
  }

  private scan(): ScanResult {
    let text = '';
    const calls: TextToolCall[] = [];
    for (;;) {
      if (!this.inBlock) {
        const start = this.buffer.indexOf(OPEN);
        if (start === -1) {
          const keep = partialTagLength(this.buffer);
          text += this.buffer.slice(0, this.buffer.length - keep);
          this.buffer = this.buffer.slice(this.buffer.length - keep);
          return { text, calls };
        }
        text += this.buffer.slice(0, start);
        this.buffer = this.buffer.slice(start + OPEN.length);
        this.inBlock = true;
      } else {
        const end = this.buffer.indexOf(CLOSE);
        if (end === -1) return { text, calls };
        const body = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end + CLOSE.length);
        this.inBlock = false;
        const parsed = parseBlock(body, this.parameterType);
        if (parsed) calls.push(...parsed);
        else text += OPEN + body + CLOSE;
      }
    }
  }
}

/** How many characters at the end of `text` could be the beginning of an opening tag. */
function partialTagLength(text: string): number {
  for (let length = Math.min(OPEN.length - 1, text.length); length > 0; length--) {
    if (OPEN.startsWith(text.slice(text.length - length))) return length;
  }
  return 0;
}

/** The calls in one block, or null when the block is not a tool call (then it stays text). */
function parseBlock(body: string, parameterType: ParameterType): TextToolCall[] | null {
  const text = body.trim();
  if (text.startsWith('<function=')) return parseXmlCalls(text, parameterType);
  if (!text.startsWith('{') && !text.startsWith('[')) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    const salvaged = salvageCall(text);
    return salvaged ? [salvaged] : null;
  }
  const calls = (Array.isArray(value) ? value : [value]).map(jsonCall);
  return calls.length > 0 && calls.every((call): call is TextToolCall => call !== null) ? calls : null;
}

function jsonCall(value: unknown): TextToolCall | null {
  if (!isRecord(value) || typeof value.name !== 'string' || value.name === '') return null;
  // Hermes writes "arguments", Llama-style prompts "parameters"; either may be an object or a JSON string.
  const args = value.arguments ?? value.parameters;
  return { name: value.name, arguments: typeof args === 'string' ? args : JSON.stringify(args ?? {}) };
}

/** A block that names a function but is not valid JSON: keep the raw arguments so the model is told what broke. */
function salvageCall(text: string): TextToolCall | null {
  const name = /"name"\s*:\s*"([^"\\]+)"/.exec(text);
  if (!name) return null;
  const key = /"(?:arguments|parameters)"\s*:\s*/.exec(text);
  if (!key) return { name: name[1], arguments: '' };
  let args = text.slice(key.index + key[0].length).trimEnd();
  // Drop the brace that closes the outer object, when the arguments themselves do not need it.
  if (args.endsWith('}') && count(args, '}') > count(args, '{')) args = args.slice(0, -1).trimEnd();
  return { name: name[1], arguments: args };
}

const count = (text: string, char: string) => text.split(char).length - 1;

function parseXmlCalls(text: string, parameterType: ParameterType): TextToolCall[] | null {
  const calls: TextToolCall[] = [];
  for (const fn of text.matchAll(/<function=([^>\n]+)>([\s\S]*?)(?:<\/function>|$)/g)) {
    const name = fn[1].trim();
    const args: Record<string, unknown> = {};
    for (const param of fn[2].matchAll(/<parameter=([^>\n]+)>([\s\S]*?)(?:<\/parameter>|(?=<parameter=)|$)/g)) {
      const key = param[1].trim();
      args[key] = typedValue(param[2].replace(/^\n/, '').replace(/\n$/, ''), parameterType(name, key));
    }
    calls.push({ name, arguments: JSON.stringify(args) });
  }
  return calls.length > 0 ? calls : null;
}

/** XML parameters are text: read them as JSON only where the tool declares a non-string type. */
function typedValue(value: string, type: string | undefined): unknown {
  if (type === undefined || type === 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
