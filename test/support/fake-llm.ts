// An OpenAI-compatible LLM for tests: real HTTP and SSE on 127.0.0.1, answering each chat request
// with the next reply a test scripted, and recording every request it got.
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';

export interface FakeRequest {
  method: string;
  /** e.g. /v1/chat/completions */
  path: string;
  headers: IncomingHttpHeaders;
  /** The JSON body (or its raw text when it is not JSON; undefined when empty). */
  body: FakeRequestBody | undefined;
  /** When it arrived, in ms on the performance clock (performance.timeOrigin + performance.now()). */
  receivedAt: number;
  /** True when the client hung up before the reply was complete. */
  clientClosed: boolean;
}

export interface FakeRequestBody {
  model?: string;
  messages?: unknown[];
  tools?: unknown[];
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  max_tokens?: number;
  temperature?: number;
  top_p?: number;
  [field: string]: unknown;
}

export interface FakeToolCall {
  id?: string;
  name: string;
  arguments: string | Record<string, unknown>;
}

export interface StreamControls {
  /** Wait this long before each chunk. */
  delayMs?: number;
  /** Destroy the socket once this many chunks are sent: a connection dropped mid-stream. */
  dropAfter?: number;
  /** Send this many chunks, then nothing, never ending the response. */
  hangAfter?: number;
}

export interface TextOptions extends StreamControls {
  /** Split a text into this many chunks of near-equal length (default: one chunk per word). */
  chunks?: number;
  toolCalls?: FakeToolCall[];
  /** Defaults to tool_calls when there are tool calls, else stop. */
  finishReason?: string;
  /** Sent when the request asks for it (stream_options.include_usage) or is not streamed; false: never. */
  usage?: { prompt: number; completion: number } | false;
  model?: string;
}

export type FakeReply =
  | ({ kind: 'text'; pieces: string[] } & TextOptions)
  | ({ kind: 'chunks'; chunks: unknown[]; done: boolean } & StreamControls)
  | { kind: 'json'; status: number; body: unknown }
  | { kind: 'error'; status: number; body: unknown; headers: Record<string, string> }
  | { kind: 'hang' };

/** Exactly the pieces given, or the text in `count` near-equal pieces, or in word-sized ones. */
function piecesOf(text: string | string[], count: number | undefined): string[] {
  if (Array.isArray(text)) return text;
  if (count === undefined) return text.match(/\s*\S+\s*/g) ?? [];
  const size = Math.ceil(text.length / count);
  return Array.from({ length: Math.ceil(text.length / size) }, (_, i) => text.slice(i * size, (i + 1) * size));
}

export const reply = {
  /** A normal answer: streamed as one chunk per piece (then tool calls, finish, usage, [DONE]), or whole when not streamed. */
  text: (text: string | string[], options: TextOptions = {}): FakeReply => ({ kind: 'text', pieces: piecesOf(text, options.chunks), ...options }),
  /** Tool calls the way OpenAI streams them: an opener with id and name, then the arguments in two fragments. */
  toolCalls: (toolCalls: FakeToolCall[], options: TextOptions = {}): FakeReply => ({ kind: 'text', pieces: [], ...options, toolCalls }),
  /** Raw chunk objects sent as they are (strings are sent as raw data), then [DONE] unless done is false. */
  chunks: (chunks: unknown[], options: StreamControls & { done?: boolean } = {}): FakeReply => ({
    kind: 'chunks',
    chunks,
    done: options.done ?? true,
    ...options,
  }),
  /** Any JSON answer, e.g. a non-streamed completion in a provider's own shape. */
  json: (body: unknown, status = 200): FakeReply => ({ kind: 'json', status, body }),
  /** An HTTP error: a JSON body (or text when a string), with headers such as retry-after. */
  error: (status: number, body: unknown = { error: { message: `fake error ${status}`, type: 'fake' } }, headers: Record<string, string> = {}): FakeReply => ({
    kind: 'error',
    status,
    body,
    headers,
  }),
  /** Never answers at all. */
  hang: (): FakeReply => ({ kind: 'hang' }),
};

export interface FakeLlm {
  /** Base URL ending in /v1, for the SDK's baseURL. */
  url: string;
  port: number;
  requests: FakeRequest[];
  /** Requests to /v1/chat/completions only. */
  chatRequests(): FakeRequest[];
  /** Queues replies for the next chat requests, one each, in order. */
  script(...replies: FakeReply[]): void;
  /** Queues replies for /v1/models; with none queued it lists `models`. */
  scriptModels(...replies: FakeReply[]): void;
  models: string[];
  close(): Promise<void>;
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/plain' : 'application/json', ...headers });
  res.end(text);
};

async function readBody(req: IncomingMessage): Promise<FakeRequestBody | undefined> {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  const raw = Buffer.concat(parts).toString('utf8');
  if (raw === '') return undefined;
  try {
    return JSON.parse(raw) as FakeRequestBody;
  } catch {
    return { raw };
  }
}

/** The chunks of a text reply, as OpenAI frames them. */
function textChunks(replyOf: Extract<FakeReply, { kind: 'text' }>, model: string, withUsage: boolean): unknown[] {
  const envelope = (choices: unknown[], extra: Record<string, unknown> = {}) => ({
    id: 'chatcmpl-fake',
    object: 'chat.completion.chunk',
    created: 1_700_000_000,
    model,
    choices,
    ...extra,
  });
  const delta = (value: Record<string, unknown>, finish: string | null = null) => envelope([{ index: 0, delta: value, finish_reason: finish }]);
  const toolCalls = replyOf.toolCalls ?? [];
  const chunks: unknown[] = [delta({ role: 'assistant', content: '' })];
  for (const piece of replyOf.pieces) chunks.push(delta({ content: piece }));
  toolCalls.forEach((call, index) => {
    const args = typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments);
    const half = Math.ceil(args.length / 2);
    chunks.push(delta({ tool_calls: [{ index, id: call.id ?? `call_fake_${index}`, type: 'function', function: { name: call.name, arguments: '' } }] }));
    for (const fragment of [args.slice(0, half), args.slice(half)]) {
      if (fragment !== '') chunks.push(delta({ tool_calls: [{ index, function: { arguments: fragment } }] }));
    }
  });
  chunks.push(delta({}, replyOf.finishReason ?? (toolCalls.length > 0 ? 'tool_calls' : 'stop')));
  const usage = usageOf(replyOf);
  if (withUsage && usage) chunks.push(envelope([], { usage }));
  return chunks;
}

function usageOf(replyOf: Extract<FakeReply, { kind: 'text' }>) {
  if (replyOf.usage === false) return null;
  const prompt = replyOf.usage?.prompt ?? 11;
  const completion = replyOf.usage?.completion ?? replyOf.pieces.length + (replyOf.toolCalls?.length ?? 0);
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

function completionOf(replyOf: Extract<FakeReply, { kind: 'text' }>, model: string) {
  const toolCalls = (replyOf.toolCalls ?? []).map((call, index) => ({
    id: call.id ?? `call_fake_${index}`,
    type: 'function',
    function: { name: call.name, arguments: typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments) },
  }));
  const usage = usageOf(replyOf);
  return {
    id: 'chatcmpl-fake',
    object: 'chat.completion',
    created: 1_700_000_000,
    model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: replyOf.pieces.join(''), ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}) },
        finish_reason: replyOf.finishReason ?? (toolCalls.length > 0 ? 'tool_calls' : 'stop'),
      },
    ],
    ...(usage ? { usage } : {}),
  };
}

/** Waits until the client can take more, or is gone. */
const drainedOrClosed = (res: ServerResponse) =>
  new Promise<void>((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });

async function stream(req: IncomingMessage, res: ServerResponse, chunks: unknown[], done: boolean, controls: StreamControls) {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  let sent = 0;
  let flushed = Promise.resolve();
  const drop = async () => {
    // Let what was written reach the client first, as when a server dies between two chunks.
    await flushed;
    req.socket.destroy();
  };
  for (const chunk of chunks) {
    if (res.destroyed) return;
    if (controls.hangAfter !== undefined && sent >= controls.hangAfter) return;
    if (controls.dropAfter !== undefined && sent >= controls.dropAfter) return drop();
    if (controls.delayMs) await sleep(controls.delayMs);
    let ok = true;
    flushed = new Promise((resolve) => {
      ok = res.write(`data: ${typeof chunk === 'string' ? chunk : JSON.stringify(chunk)}\n\n`, () => resolve());
    });
    sent++;
    if (!ok) await drainedOrClosed(res);
  }
  if (controls.dropAfter !== undefined) return drop();
  if (controls.hangAfter !== undefined) return;
  if (done) res.write('data: [DONE]\n\n');
  res.end();
}

export async function startFakeLlm(): Promise<FakeLlm> {
  const requests: FakeRequest[] = [];
  const chatReplies: FakeReply[] = [];
  const modelReplies: FakeReply[] = [];

  const answer = async (req: IncomingMessage, res: ServerResponse, record: FakeRequest, next: FakeReply | undefined) => {
    const streamed = record.body?.stream === true;
    const model = record.body?.model ?? 'fake-model';
    if (!next) {
      const message = `fake-llm: nothing scripted for ${record.method} ${record.path} (request #${requests.length})`;
      return json(res, 500, { error: { message, type: 'fake_llm_unscripted' } });
    }
    switch (next.kind) {
      case 'hang':
        return;
      case 'json':
        return json(res, next.status, next.body);
      case 'error':
        return json(res, next.status, next.body, next.headers);
      case 'chunks':
        if (!streamed) return json(res, 500, { error: { message: 'fake-llm: raw chunks were scripted but the request is not streamed' } });
        return stream(req, res, next.chunks, next.done, next);
      case 'text':
        if (!streamed) return json(res, 200, completionOf(next, next.model ?? model));
        return stream(req, res, textChunks(next, next.model ?? model, record.body?.stream_options?.include_usage === true), true, next);
    }
  };

  const server = createServer((req, res) => {
    const receivedAt = performance.timeOrigin + performance.now();
    void (async () => {
      const body = await readBody(req);
      const path = new URL(req.url ?? '/', 'http://fake').pathname;
      const record: FakeRequest = { method: req.method ?? 'GET', path, headers: req.headers, body, receivedAt, clientClosed: false };
      requests.push(record);
      res.on('close', () => {
        if (!res.writableFinished) record.clientClosed = true;
      });
      if (req.method === 'POST' && path === '/v1/chat/completions') return answer(req, res, record, chatReplies.shift());
      if (req.method === 'GET' && path === '/v1/models') {
        const next = modelReplies.shift();
        if (next) return answer(req, res, record, next);
        return json(res, 200, { object: 'list', data: fake.models.map((id) => ({ id, object: 'model', created: 0, owned_by: 'fake' })) });
      }
      return json(res, 404, { error: { message: `fake-llm: no route for ${req.method} ${path}` } });
    })().catch((error: unknown) => {
      if (!res.headersSent) json(res, 500, { error: { message: `fake-llm: ${String(error)}` } });
      else res.destroy();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  const fake: FakeLlm = {
    url: `http://127.0.0.1:${port}/v1`,
    port,
    requests,
    chatRequests: () => requests.filter((r) => r.path === '/v1/chat/completions'),
    script: (...replies) => chatReplies.push(...replies),
    scriptModels: (...replies) => modelReplies.push(...replies),
    models: ['fake-model'],
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
  return fake;
}
