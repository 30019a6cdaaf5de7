// 10,000 streamed tokens from the fake LLM through LlmClient.chatStream, against a plain fetch loop
// reading the same SSE (split `data:` lines, JSON.parse each, take the delta's content), in
// alternating rounds in one process. Target: the client at least 0.9 of the plain loop's tokens/s.
// The fake runs on this same thread, so it sends the whole stream in one write: 10,000 writes of its
// own would be half of each timing, the same for both readers, and would pull the ratio towards 1.
import type { BenchResult } from './bench';
import { LlmClient } from '../src/modules/llm/llm-client';
import { reply, startFakeLlm, type FakeLlm } from '../test/support/fake-llm';
import { loadConfig } from '../src/config';
import { OutboundHttp } from '../src/platform/net/outbound';

const TOKENS = 10_000;
const ROUNDS = 31;
const WARMUP_ROUNDS = 5;

/** The stream as a provider sends it, serialized once: one raw event body the fake frames as `data: …` events. */
function tokenStream(): string {
  const frame = (delta: Record<string, unknown>, finish: string | null = null) =>
    JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1_700_000_000, model: 'fake-model', choices: [{ index: 0, delta, finish_reason: finish }] });
  const chunks = [frame({ role: 'assistant', content: '' })];
  for (let i = 0; i < TOKENS; i++) chunks.push(frame({ content: ` tok${i}` }));
  chunks.push(frame({}, 'stop'));
  return chunks.join('\n\ndata: ');
}

async function viaClient(fake: FakeLlm, client: LlmClient): Promise<number> {
  let tokens = 0;
  const started = performance.now();
  await client.chatStream({ messages: [{ role: 'user', content: 'count' }] }, { onText: () => tokens++ });
  const seconds = (performance.now() - started) / 1000;
  if (tokens !== TOKENS) throw new Error(`the client streamed ${tokens} tokens, expected ${TOKENS} (${fake.url})`);
  return tokens / seconds;
}

async function viaPlainLoop(fake: FakeLlm): Promise<number> {
  let tokens = 0;
  const started = performance.now();
  const response = await fetch(`${fake.url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'fake-model', messages: [{ role: 'user', content: 'count' }], stream: true }),
  });
  if (!response.body) throw new Error('no body');
  const decoder = new TextDecoder();
  let pending = '';
  reading: for await (const bytes of response.body) {
    const text = pending + decoder.decode(bytes, { stream: true });
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      const line = text.slice(start, end);
      start = end + 1;
      if (!line.startsWith('data: ')) continue;
      const data = line.slice(6);
      if (data === '[DONE]') break reading;
      const chunk = JSON.parse(data) as { choices: Array<{ delta: { content?: string } }> };
      if (chunk.choices[0]?.delta.content) tokens++;
    }
    pending = text.slice(start);
  }
  const seconds = (performance.now() - started) / 1000;
  if (tokens !== TOKENS) throw new Error(`the plain loop read ${tokens} tokens, expected ${TOKENS}`);
  return tokens / seconds;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1];

export default async function bench(): Promise<BenchResult> {
  const fake = await startFakeLlm();
  const stream = tokenStream();
  // The fetch every config's client gets in production: the URL guard's, with responses bounded in size.
  const outbound = new OutboundHttp([], loadConfig({}).net.maxResponseBytes);
  const client = new LlmClient({
    baseUrl: fake.url,
    model: 'fake-model',
    timeoutMs: 30_000,
    maxRetries: 0,
    fetch: outbound.fetchFor('ADMIN', { eventsBoundedByReader: true }),
    maxEventBytes: outbound.maxResponseBytes,
  });
  try {
    const ours: number[] = [];
    const baseline: number[] = [];
    for (let round = 0; round < WARMUP_ROUNDS + ROUNDS; round++) {
      fake.script(reply.chunks([stream]), reply.chunks([stream]));
      // Alternate which goes first, so neither always runs on a warmer process.
      let clientRate: number;
      let plainRate: number;
      if (round % 2 === 0) {
        clientRate = await viaClient(fake, client);
        plainRate = await viaPlainLoop(fake);
      } else {
        plainRate = await viaPlainLoop(fake);
        clientRate = await viaClient(fake, client);
      }
      if (round < WARMUP_ROUNDS) continue;
      ours.push(clientRate);
      baseline.push(plainRate);
    }
    // Medians: a garbage collection landing in one round says nothing about either reader.
    const client_tokens_per_s = median(ours);
    const plain_loop_tokens_per_s = median(baseline);
    return {
      name: 'llm: 10,000 streamed tokens, LlmClient vs a plain fetch loop',
      metrics: { client_tokens_per_s: Math.round(client_tokens_per_s), plain_loop_tokens_per_s: Math.round(plain_loop_tokens_per_s), rounds: ROUNDS },
      targets: [{ what: 'client tokens/s ÷ plain fetch loop tokens/s (medians)', ratio: client_tokens_per_s / plain_loop_tokens_per_s, bound: 0.9, atLeast: true }],
    };
  } finally {
    await outbound.close();
    await fake.close();
  }
}
