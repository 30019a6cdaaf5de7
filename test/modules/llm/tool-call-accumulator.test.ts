import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ToolCallAccumulator, type AccumulatorOptions } from '../../../src/modules/llm/tool-call-accumulator';
import type { AssistantTurn, ChatTool } from '../../../src/modules/llm/llm.types';

// The provider captures of ../shared/fixtures/llm-streams, copied into the repository so a fresh clone runs them.
const fixturesDir = path.resolve(__dirname, '../../fixtures/llm-streams');

interface Capture {
  source: string;
  quirk: string;
  expected_content?: string;
  chunks: unknown[];
}

const readJson = <T>(file: string): T => JSON.parse(readFileSync(path.join(fixturesDir, file), 'utf8')) as T;

const captures = readdirSync(fixturesDir)
  .filter((file) => file.endsWith('.json') && !file.endsWith('.expected.json'))
  .map((file) => file.slice(0, -'.json'.length))
  .sort();

/** Feeds chunks the way the client does; `streamed` is every text delta the user would have seen. */
function run(chunks: unknown[], options: AccumulatorOptions = {}): { streamed: string; turn: AssistantTurn } {
  const accumulator = new ToolCallAccumulator({ idSeed: 'seed', ...options });
  let streamed = '';
  for (const chunk of chunks) streamed += accumulator.push(chunk);
  const { text, turn } = accumulator.finish();
  return { streamed: streamed + text, turn };
}

const calls = (turn: AssistantTurn) => turn.toolCalls.map(({ id, name, arguments: args }) => ({ id, name, arguments: args }));

/** A chunk as most providers frame one delta. */
const chunk = (delta: Record<string, unknown>, finishReason: string | null = null) => ({
  id: 'chatcmpl-1',
  object: 'chat.completion.chunk',
  choices: [{ index: 0, delta, finish_reason: finishReason }],
});
const toolChunk = (...toolCalls: Record<string, unknown>[]) => chunk({ tool_calls: toolCalls });
const finish = (reason = 'tool_calls') => chunk({}, reason);

describe('captured provider streams', () => {
  it('finds all twelve captures', () => {
    expect(captures).toHaveLength(12);
  });

  describe.each(captures)('%s', (name) => {
    const capture = readJson<Capture>(`${name}.json`);
    const expected = readJson<Array<{ id: string; name: string; arguments: string }>>(`${name}.expected.json`);
    const { streamed, turn } = run(capture.chunks);

    it('gives the expected tool calls, in order, with their raw arguments', () => {
      expect(calls(turn)).toEqual(expected);
    });

    it('parses every call to the object the model meant', () => {
      for (const call of turn.toolCalls) {
        expect(call.parseError).toBeUndefined();
        expect(call.parsedArguments).toEqual(expect.any(Object));
      }
    });

    it('streams the content to the user exactly once', () => {
      expect(turn.content).toBe(capture.expected_content ?? '');
      expect(streamed).toBe(turn.content);
    });

    it('reports the usage the provider sent, if any', () => {
      const usage = capture.chunks
        .map((c) => (c as { usage?: Record<string, number> | null }).usage)
        .filter((u): u is Record<string, number> => typeof u === 'object' && u !== null)
        .pop();
      expect(turn.usage).toEqual(
        usage
          ? { promptTokens: usage.prompt_tokens, completionTokens: usage.completion_tokens, totalTokens: usage.total_tokens }
          : null,
      );
    });
  });

  it('watsonx: double-encoded arguments parse to the inner object', () => {
    const { turn } = run(readJson<Capture>('watsonx-double-encoded-args-finish-on-delta.json').chunks);
    expect(turn.toolCalls[0].parsedArguments).toEqual({ country: 'Italy' });
    expect(turn.finishReason).toBe('tool_calls');
  });

  it('Gemini: keeps the thought signature to echo back next turn, and finish_reason stop', () => {
    const { turn } = run(readJson<Capture>('gemini-no-index-thought-signature-stop.json').chunks);
    expect(turn.toolCalls[0].extraContent).toEqual({ google: { thought_signature: 'sig-297140' } });
    expect(turn.finishReason).toBe('stop');
  });

  it('OCI via LiteLLM: a stream that ends with no finish chunk still gives its pending call', () => {
    const { turn } = run(readJson<Capture>('oci-via-litellm-id-changes-every-chunk.json').chunks);
    expect(turn.finishReason).toBeNull();
    expect(turn.toolCalls[0].parsedArguments).toEqual({ city: 'Paris' });
  });
});

describe('shapes documented in provider issues', () => {
  it('Ollama: index 0 reused for three parallel calls, each whole with its own id, gives three calls (ollama#15457)', () => {
    const { turn } = run([
      toolChunk({ index: 0, id: 'call_function_xxx_1', type: 'function', function: { name: 'write_file', arguments: '{"path":"alpha.txt","content":"a"}' } }),
      toolChunk({ index: 0, id: 'call_function_xxx_2', type: 'function', function: { name: 'write_file', arguments: '{"path":"beta.txt","content":"b"}' } }),
      toolChunk({ index: 0, id: 'call_function_xxx_3', type: 'function', function: { name: 'write_file', arguments: '{"path":"gamma.txt","content":"c"}' } }),
      finish('stop'),
    ]);
    expect(calls(turn)).toEqual([
      { id: 'call_function_xxx_1', name: 'write_file', arguments: '{"path":"alpha.txt","content":"a"}' },
      { id: 'call_function_xxx_2', name: 'write_file', arguments: '{"path":"beta.txt","content":"b"}' },
      { id: 'call_function_xxx_3', name: 'write_file', arguments: '{"path":"gamma.txt","content":"c"}' },
    ]);
  });

  it('Ollama: index 0 reused for two different tools in one turn gives two calls', () => {
    const { turn } = run([
      toolChunk({ index: 0, id: 'call_a1', function: { name: 'add_numbers', arguments: '{"a":2,"b":2}' } }),
      toolChunk({ index: 0, id: 'call_b2', function: { name: 'get_weather', arguments: '{"location":"Tokyo","unit":"celsius"}' } }),
      finish(),
    ]);
    expect(turn.toolCalls.map((c) => [c.name, c.parsedArguments])).toEqual([
      ['add_numbers', { a: 2, b: 2 }],
      ['get_weather', { location: 'Tokyo', unit: 'celsius' }],
    ]);
  });

  it('Ollama before 0.4.7: tool calls without any index, one whole call per chunk (ollama#7881)', () => {
    const { turn } = run([
      chunk({ role: 'assistant', content: '', tool_calls: [{ id: 'call_x1', type: 'function', function: { name: 'get_current_weather', arguments: '{"location":"Boston, MA"}' } }] }),
      chunk({ role: 'assistant', content: '', tool_calls: [{ id: 'call_x2', type: 'function', function: { name: 'get_current_weather', arguments: '{"location":"Paris"}' } }] }),
      chunk({ role: 'assistant', content: '' }, 'stop'),
    ]);
    expect(calls(turn).map((c) => c.id)).toEqual(['call_x1', 'call_x2']);
    expect(turn.toolCalls[1].parsedArguments).toEqual({ location: 'Paris' });
  });

  it('sglang (gemma4 parser): index 0 reused, each call as a name delta then an arguments delta', () => {
    const { turn } = run([
      toolChunk({ index: 0, id: 'call_hn', type: 'function', function: { name: 'get_weather', arguments: '' } }),
      toolChunk({ index: 0, function: { arguments: '{"city": "Hà Nội", "unit": "celsius"}' } }),
      toolChunk({ index: 0, id: 'call_dn', type: 'function', function: { name: 'get_weather', arguments: '' } }),
      toolChunk({ index: 0, function: { arguments: '{"city": "Đà Nẵng", "unit": "celsius"}' } }),
      finish(),
    ]);
    expect(calls(turn)).toEqual([
      { id: 'call_hn', name: 'get_weather', arguments: '{"city": "Hà Nội", "unit": "celsius"}' },
      { id: 'call_dn', name: 'get_weather', arguments: '{"city": "Đà Nẵng", "unit": "celsius"}' },
    ]);
  });

  it('LM Studio: name "" on every follow-up fragment never replaces the name (lmstudio-bug-tracker#649)', () => {
    const { turn } = run([
      toolChunk({ index: 0, id: '638407183', type: 'function', function: { name: 'count_letters', arguments: '' } }),
      toolChunk({ index: 0, type: 'function', function: { name: '', arguments: '{"' } }),
      toolChunk({ index: 0, type: 'function', function: { name: '', arguments: 'count' } }),
      toolChunk({ index: 0, type: 'function', function: { name: '', arguments: '":' } }),
      toolChunk({ index: 0, type: 'function', function: { name: '', arguments: ' 3}' } }),
      finish(),
    ]);
    expect(calls(turn)).toEqual([{ id: '638407183', name: 'count_letters', arguments: '{"count": 3}' }]);
  });

  it('LM Studio: id "" and name "" on follow-ups keep the first id and name', () => {
    const { turn } = run([
      toolChunk({ index: 0, id: '193629320', type: 'function', function: { name: 'bash', arguments: '' } }),
      toolChunk({ index: 0, id: '', type: 'function', function: { name: '', arguments: '{"command":"g++ -o hello hello.cpp' } }),
      toolChunk({ index: 0, id: '', type: 'function', function: { name: '', arguments: ' && ./hello"}' } }),
      finish(),
    ]);
    expect(calls(turn)).toEqual([
      { id: '193629320', name: 'bash', arguments: '{"command":"g++ -o hello hello.cpp && ./hello"}' },
    ]);
  });

  it('LM Studio: an empty tool-call shell { id: "", type: "function" } after text is dropped (lmstudio-bug-tracker#830)', () => {
    const { streamed, turn } = run([
      chunk({ role: 'assistant', content: 'I created the program.' }),
      toolChunk({ id: '', type: 'function' }),
      finish('stop'),
    ]);
    expect(turn.toolCalls).toEqual([]);
    expect(streamed).toBe('I created the program.');
  });

  it('LM Studio: tool_calls: [] on every text chunk changes nothing (lmstudio-bug-tracker#1318)', () => {
    const { turn } = run([chunk({ content: 'Hello', tool_calls: [] }), chunk({ content: '!', tool_calls: [] }), finish('stop')]);
    expect(turn).toMatchObject({ content: 'Hello!', toolCalls: [], finishReason: 'stop' });
  });

  it('LM Studio: tool_calls: [] on a text chunk that equals the text so far does not hide it ("1", "1" is 11)', () => {
    const { streamed, turn } = run([chunk({ content: '1', tool_calls: [] }), chunk({ content: '1', tool_calls: [] }), finish('stop')]);
    expect(streamed).toBe('11');
    expect(turn.content).toBe('11');
  });

  it('LM Studio (qwen3.6): whole arguments in one chunk (lmstudio-bug-tracker#1868)', () => {
    const args = '{"input":"#include <stdio.h>\\nint main(void) { return 0; }"}';
    const { turn } = run([toolChunk({ index: 0, id: '1', type: 'function', function: { name: 'echo', arguments: args } }), finish()]);
    expect(calls(turn)).toEqual([{ id: '1', name: 'echo', arguments: args }]);
  });

  it('Fireworks AI: id, type and name repeated on every fragment make one call (SillyTavern#5948)', () => {
    const fragment = (args: string) =>
      toolChunk({ index: 0, id: 'chatcmpl-tool-aa62', type: 'function', function: { name: 'debug_tool', arguments: args }, name: null });
    const { turn } = run([fragment(''), fragment('{"level":'), fragment(' "verbose"'), fragment('}'), fragment(''), finish()]);
    expect(calls(turn)).toEqual([{ id: 'chatcmpl-tool-aa62', name: 'debug_tool', arguments: '{"level": "verbose"}' }]);
  });

  it('LiteLLM proxy: a summary chunk restating the whole call, arguments double-encoded, is no second call (litellm#20480)', () => {
    const { turn } = run([
      toolChunk({ index: 0, id: 'call_abc', type: 'function', function: { name: 'search', arguments: '{"qu' } }),
      toolChunk({ index: 0, id: 'call_abc', type: 'function', function: { arguments: 'ery":' } }),
      toolChunk({ index: 0, id: 'call_abc', type: 'function', function: { arguments: ' "hello"}' } }),
      toolChunk({ index: 0, id: 'call_abc', type: 'function', function: { name: 'search', arguments: JSON.stringify('{"query": "hello"}') } }),
      finish(),
    ]);
    expect(calls(turn)).toEqual([{ id: 'call_abc', name: 'search', arguments: '{"query": "hello"}' }]);
  });

  it('OpenCodex: whole arguments sent a second time after they were complete are not appended (opencodex#361)', () => {
    const { turn } = run([
      toolChunk({ index: 0, id: 'tool_1', function: { name: 'shell', arguments: '' } }),
      toolChunk({ index: 0, function: { arguments: '{"command":"ls /home/opc"}' } }),
      toolChunk({ index: 0, function: { arguments: '{"command":"ls /home/opc"}' } }),
      toolChunk({ index: 1, id: 'tool_2', function: { name: 'read_file', arguments: '' } }),
      toolChunk({ index: 1, function: { arguments: '{"path":"/home/opc/README.md"}' } }),
      toolChunk({ index: 1, function: { arguments: '{"path":"/home/opc/README.md"}' } }),
      finish(),
    ]);
    expect(calls(turn)).toEqual([
      { id: 'tool_1', name: 'shell', arguments: '{"command":"ls /home/opc"}' },
      { id: 'tool_2', name: 'read_file', arguments: '{"path":"/home/opc/README.md"}' },
    ]);
  });

  it('Fireworks AI: id and name repeated on a whitespace-only last fragment add no call with empty arguments', () => {
    const fragment = (args: string) => toolChunk({ index: 0, id: 'chatcmpl-tool-aa62', type: 'function', function: { name: 'run_sql', arguments: args } });
    const { turn } = run([fragment('{"sql":'), fragment(' "select 1"}'), fragment('\n'), finish()]);
    expect(calls(turn).map((c) => [c.id, c.name])).toEqual([['chatcmpl-tool-aa62', 'run_sql']]);
    expect(turn.toolCalls[0].parsedArguments).toEqual({ sql: 'select 1' });
  });

  it('Poolside: the opener has one id and every later fragment another one (poolsideai/pool#9)', () => {
    const { turn } = run([
      toolChunk({ index: 0, id: 'call_open', type: 'function', function: { name: 'read', arguments: '' } }),
      toolChunk({ index: 0, id: 'call_rest', function: { arguments: '{"path":' } }),
      toolChunk({ index: 0, id: 'call_rest', function: { arguments: '"a.txt"}' } }),
      finish(),
    ]);
    expect(calls(turn)).toEqual([{ id: 'call_open', name: 'read', arguments: '{"path":"a.txt"}' }]);
  });

  it('Atlas: the same call opened twice at index 0 with two ids before its arguments is one call (atlas#33)', () => {
    const { turn } = run([
      chunk({ role: 'assistant', tool_calls: [{ id: 'call_0000000000000002', function: { arguments: '', name: 'web_search' }, type: 'function', index: 0 }] }),
      toolChunk({ id: 'call_0000000000000003', function: { arguments: '', name: 'web_search' }, type: 'function', index: 0 }),
      toolChunk({ function: { arguments: '{"query":"meeting"}' }, type: 'function', index: 0 }),
      finish(),
    ]);
    expect(calls(turn)).toEqual([{ id: 'call_0000000000000002', name: 'web_search', arguments: '{"query":"meeting"}' }]);
  });

  it('OCI via LiteLLM: a new id on every chunk, through a final stop chunk with yet another id (litellm#40040)', () => {
    const { turn } = run([
      chunk({ content: '' }),
      toolChunk({ id: 'chatcmpl-tool-a91e77be296474b3', function: { arguments: '', name: 'get_weather' }, type: 'function', index: 0 }),
      toolChunk({ id: 'call_b49ea289550d6ce098bc0017', function: { arguments: '{"city": "', name: '' }, type: 'function', index: 0 }),
      toolChunk({ id: 'call_ed8209ffd3f30ae6f020ed82', function: { arguments: 'Paris"}', name: '' }, type: 'function', index: 0 }),
      chunk({ tool_calls: [{ id: 'call_72b4abaee3cdf325', function: { arguments: '', name: 'get_weather' }, type: 'function', index: 0 }] }, 'stop'),
    ]);
    expect(calls(turn)).toEqual([{ id: 'chatcmpl-tool-a91e77be296474b3', name: 'get_weather', arguments: '{"city": "Paris"}' }]);
    expect(turn.finishReason).toBe('stop');
  });

  it('OCI Cohere via LiteLLM: the text restated whole on the tool-call chunk is shown once (litellm#39965)', () => {
    const sentence = 'I will use the tool to find out the weather in Paris.';
    const { streamed, turn } = run([
      chunk({ role: 'assistant', content: 'I will use the tool' }),
      chunk({ content: ' to find out the weather in Paris.' }),
      chunk({ content: sentence, tool_calls: [{ index: 0, id: 'call_w', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] }),
      finish('stop'),
      finish('stop'),
    ]);
    expect(streamed).toBe(sentence);
    expect(turn.content).toBe(sentence);
    expect(turn.toolCalls).toHaveLength(1);
  });

  it('LiteLLM ollama_chat: arguments sent as an object are JSON-encoded (litellm#37792)', () => {
    const { turn } = run([
      toolChunk({ index: 0, id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: { city: 'Paris', days: 2 } } }),
      finish('stop'),
    ]);
    expect(calls(turn)).toEqual([{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris","days":2}' }]);
    expect(turn.toolCalls[0].parsedArguments).toEqual({ city: 'Paris', days: 2 });
  });

  it('OpenRouter: fragments of two parallel calls interleaved by index (adk-rust#410)', () => {
    const { turn } = run([
      toolChunk({ index: 0, id: 'call_A', type: 'function', function: { name: 'get_weather', arguments: '' } }),
      toolChunk({ index: 1, id: 'call_B', type: 'function', function: { name: 'get_time', arguments: '' } }),
      toolChunk({ index: 0, function: { arguments: '{"city":' } }),
      toolChunk({ index: 1, function: { arguments: '{"zone":' } }),
      toolChunk({ index: 0, function: { arguments: '"Oslo"}' } }),
      toolChunk({ index: 1, function: { arguments: '"UTC"}' } }),
      finish(),
    ]);
    expect(calls(turn)).toEqual([
      { id: 'call_A', name: 'get_weather', arguments: '{"city":"Oslo"}' },
      { id: 'call_B', name: 'get_time', arguments: '{"zone":"UTC"}' },
    ]);
  });

  it('Gemini: parallel calls as separate single-entry chunks without index (dayu-agent#82)', () => {
    const { turn } = run([
      toolChunk({ id: 'eaifhb3y', type: 'function', function: { name: 'search_web', arguments: '{"query":"杭州天气"}' } }),
      toolChunk({ id: 'mw4fnecu', type: 'function', function: { name: 'search_web', arguments: '{"query":"北京天气"}' } }),
      finish('stop'),
    ]);
    expect(calls(turn).map((c) => [c.id, c.arguments])).toEqual([
      ['eaifhb3y', '{"query":"杭州天气"}'],
      ['mw4fnecu', '{"query":"北京天气"}'],
    ]);
  });

  it('vLLM (Qwen3 hermes parser): id, type and name null on every fragment (vllm#19056)', () => {
    const { turn } = run([
      toolChunk({ index: 0, id: 'chatcmpl-tool-9f1', type: 'function', function: { name: 'write_guide', arguments: null } }),
      toolChunk({ index: 0, id: null, type: null, function: { arguments: '{"guid', name: null } }),
      toolChunk({ index: 0, id: null, type: null, function: { arguments: 'eline": "', name: null } }),
      toolChunk({ index: 0, id: null, type: null, function: { arguments: '说明在代码生成、内容创作"}', name: null } }),
      finish(),
    ]);
    expect(calls(turn)).toEqual([{ id: 'chatcmpl-tool-9f1', name: 'write_guide', arguments: '{"guideline": "说明在代码生成、内容创作"}' }]);
  });

  it('Anthropic via its OpenAI-compatible endpoint: text, a tool call, then text after it, all in order', () => {
    const { streamed, turn } = run([
      chunk({ role: 'assistant', content: 'Reading' }),
      toolChunk({ index: 1, id: 'toolu_1', type: 'function', function: { name: 'read_file', arguments: '' } }),
      toolChunk({ index: 1, function: { arguments: '{"path": "a.txt"}' } }),
      chunk({ content: ' now.' }),
      finish(),
    ]);
    expect(streamed).toBe('Reading now.');
    expect(calls(turn)).toEqual([{ id: 'toolu_1', name: 'read_file', arguments: '{"path": "a.txt"}' }]);
  });

  it('FastChat / LocalAI: the legacy function_call delta becomes a tool call with a generated id', () => {
    const { turn } = run([
      chunk({ role: 'assistant', function_call: { name: 'lookup', arguments: '' } }),
      chunk({ function_call: { arguments: '{"term":' } }),
      chunk({ function_call: { arguments: '"mcp"}' } }),
      chunk({}, 'function_call'),
    ]);
    expect(calls(turn)).toEqual([{ id: 'call_seed_1', name: 'lookup', arguments: '{"term":"mcp"}' }]);
  });

  it('Mistral (Magistral): content as an array of parts streams only the text parts', () => {
    const { streamed } = run([
      chunk({ content: [{ type: 'thinking', thinking: [{ type: 'text', text: 'hmm' }] }] }),
      chunk({ content: [{ type: 'text', text: 'Answer' }] }),
      chunk({ content: '.' }, 'stop'),
    ]);
    expect(streamed).toBe('Answer.');
  });

  it('Hugging Face TGI 1.4: choices numbered by token (1, 2, 3…) are still the one answer (text-generation-inference#1648)', () => {
    const tgi = (index: number, delta: Record<string, unknown>, finishReason: string | null = null) => ({
      id: '',
      object: 'text_completion',
      model: 'HuggingFaceH4/zephyr-7b-beta',
      choices: [{ index, delta, logprobs: null, finish_reason: finishReason }],
    });
    const { streamed, turn } = run([
      tgi(1, { role: 'assistant', content: 'I' }),
      tgi(2, { role: 'assistant', content: "'" }),
      tgi(3, { role: 'assistant', content: 'm' }, 'length'),
    ]);
    expect(streamed).toBe("I'm");
    expect(turn).toMatchObject({ content: "I'm", finishReason: 'length' });
  });

  it('Azure: a late chunk with no delta after the finish chunk, and choices: [], crash nothing', () => {
    const { turn } = run([
      { choices: [], prompt_filter_results: [] },
      chunk({ content: 'Hi' }, 'stop'),
      { object: 'chat.completion.chunk', choices: [{ index: 0, finish_reason: null, content_filter_offsets: {} }] },
      null,
      'garbage',
      { choices: [null, 5] },
    ]);
    expect(turn).toMatchObject({ content: 'Hi', toolCalls: [], finishReason: 'stop' });
  });
});

describe('ids', () => {
  const idless = () => [
    toolChunk({ function: { name: 'get_weather', arguments: '{"city":"Rome"}' } }),
    toolChunk({ function: { name: 'get_weather', arguments: '{"city":"Milan"}' } }),
    finish('stop'),
  ];

  it('Gemini via OCI: calls that come without ids get ids that are stable for the same seed (litellm#19223)', () => {
    const first = run(idless(), { idSeed: 'run42' }).turn.toolCalls.map((c) => c.id);
    const again = run(idless(), { idSeed: 'run42' }).turn.toolCalls.map((c) => c.id);
    expect(first).toEqual(['call_run42_1', 'call_run42_2']);
    expect(again).toEqual(first);
    expect(run(idless(), { idSeed: 'other' }).turn.toolCalls[0].id).not.toBe(first[0]);
  });

  it('Ollama: the same call twice in one message, one id and one set of arguments, is still two calls', () => {
    const same = { id: 'call_0', type: 'function', function: { name: 'roll_die', arguments: '{"sides":6}' } };
    const { turn } = run([chunk({ role: 'assistant', content: '', tool_calls: [same, same] }, 'tool_calls')]);
    expect(turn.toolCalls.map((c) => [c.id, c.arguments])).toEqual([
      ['call_0', '{"sides":6}'],
      ['call_seed_2', '{"sides":6}'],
    ]);
  });

  it('Ollama: two calls that share one id get distinct ids, so each result finds its call', () => {
    const { turn } = run([
      toolChunk({ index: 0, id: 'call_0', function: { name: 'ls', arguments: '{"dir":"a"}' } }),
      toolChunk({ index: 0, id: 'call_0', function: { name: 'ls', arguments: '{"dir":"b"}' } }),
      finish(),
    ]);
    expect(turn.toolCalls.map((c) => [c.id, c.arguments])).toEqual([
      ['call_0', '{"dir":"a"}'],
      ['call_seed_2', '{"dir":"b"}'],
    ]);
  });
});

describe('arguments that are not a JSON object', () => {
  it('OpenAI: arguments cut off by max_tokens are kept raw with the parse error (finish_reason length)', () => {
    const { turn } = run([
      toolChunk({ index: 0, id: 'call_cut', type: 'function', function: { name: 'write_file', arguments: '' } }),
      toolChunk({ index: 0, function: { arguments: '{"path":"a.txt","content":"Once upon' } }),
      finish('length'),
    ]);
    const [call] = turn.toolCalls;
    expect(call.arguments).toBe('{"path":"a.txt","content":"Once upon');
    expect(call.parsedArguments).toBeUndefined();
    expect(call.parseError).toMatch(/not valid JSON/);
    expect(turn.finishReason).toBe('length');
  });

  it('vLLM: a call with no arguments at all (hermes parser dropping {}) parses to an empty object (vllm#11392)', () => {
    const { turn } = run([toolChunk({ index: 0, id: 'c1', type: 'function', function: { name: 'sql_db_list_tables' } }), finish()]);
    expect(turn.toolCalls[0]).toMatchObject({ name: 'sql_db_list_tables', arguments: '', parsedArguments: {} });
  });

  it('any provider: arguments that are a JSON array are refused with a reason', () => {
    const { turn } = run([toolChunk({ index: 0, id: 'c1', function: { name: 'f', arguments: '[1,2]' } }), finish()]);
    expect(turn.toolCalls[0].parseError).toBe('The arguments must be a JSON object, not an array.');
  });
});

describe('tool calls written as text (textToolCalls on)', () => {
  const hermes = { textToolCalls: true };
  const contentChunks = (...pieces: string[]) => pieces.map((content) => chunk({ content }));

  it('vLLM without a tool parser (Qwen3-VL): <tool_call> JSON streamed token by token becomes a call, never text (vllm#28297)', () => {
    const { streamed, turn } = run(
      [
        ...contentChunks('Let me check.', '\n', '<tool_call>', '\n', '{"', 'name', '":', ' "', 'get', '_weather', '",', ' "', 'arguments', '":', ' {"', 'city', '":', ' "', 'Paris', '"}}', '\n', '</tool_call>'),
        finish('stop'),
      ],
      hermes,
    );
    expect(streamed).toBe('Let me check.\n');
    expect(turn.content).toBe('Let me check.\n');
    expect(calls(turn)).toEqual([{ id: 'call_seed_1', name: 'get_weather', arguments: '{"city":"Paris"}' }]);
  });

  it('Qwen 2.5 via Ollama: a tag split across chunks is held back only while it could still be a tag', () => {
    const accumulator = new ToolCallAccumulator({ textToolCalls: true, idSeed: 's' });
    expect(accumulator.push(chunk({ content: 'Sure <tool' }))).toBe('Sure ');
    expect(accumulator.push(chunk({ content: '_call>{"name":"ls","arguments":{}}</tool' }))).toBe('');
    expect(accumulator.push(chunk({ content: '_call> done; a <b> and <tool_ca' }))).toBe(' done; a <b> and ');
    expect(accumulator.push(chunk({ content: 'r>' }))).toBe('<tool_car>');
    const { text, turn } = accumulator.finish();
    expect(text).toBe('');
    expect(turn.content).toBe('Sure  done; a <b> and <tool_car>');
    expect(calls(turn)).toEqual([{ id: 'call_s_1', name: 'ls', arguments: '{}' }]);
  });

  it('Hermes 2 Pro: two calls in one message with text between them, in order', () => {
    const { streamed, turn } = run(
      contentChunks(
        '<tool_call>\n{"name": "get_stock_price", "arguments": {"symbol": "AAPL"}}\n</tool_call>',
        '\nand\n',
        '<tool_call>\n{"name": "get_stock_price", "arguments": "{\\"symbol\\": \\"MSFT\\"}"}\n</tool_call>',
      ),
      hermes,
    );
    expect(streamed).toBe('\nand\n');
    expect(turn.toolCalls.map((c) => c.parsedArguments)).toEqual([{ symbol: 'AAPL' }, { symbol: 'MSFT' }]);
  });

  it('Llama 3.1 style via Ollama: "parameters" instead of "arguments" inside the tags', () => {
    const { turn } = run(contentChunks('<tool_call>{"name": "search", "parameters": {"q": "mcp"}}</tool_call>'), hermes);
    expect(calls(turn)).toEqual([{ id: 'call_seed_1', name: 'search', arguments: '{"q":"mcp"}' }]);
  });

  it('Qwen3-Coder via llama.cpp: <function=…><parameter=…> XML typed by the tool schema', () => {
    const tools: ChatTool[] = [
      {
        type: 'function',
        function: {
          name: 'write_file',
          parameters: { type: 'object', properties: { path: { type: 'string' }, mode: { type: 'integer' }, body: { type: 'string' } } },
        },
      },
    ];
    const { streamed, turn } = run(
      contentChunks(
        'Writing.\n<tool_call>\n<function=write_file>\n<parameter=path>\n007.txt\n</parameter>\n',
        '<parameter=mode>\n644\n</parameter>\n<parameter=body>\n{"a": 1}\n</parameter>\n</function>\n</tool_call>',
      ),
      { textToolCalls: true, tools },
    );
    expect(streamed).toBe('Writing.\n');
    expect(turn.toolCalls[0]).toMatchObject({ name: 'write_file', parsedArguments: { path: '007.txt', mode: 644, body: '{"a": 1}' } });
  });

  it('Hermes: invalid JSON inside the tags is kept raw with the parse error, for the model to fix', () => {
    const { streamed, turn } = run(contentChunks('<tool_call>{"name": "run", "arguments": {"cmd": "ls -la}}</tool_call>'), hermes);
    expect(streamed).toBe('');
    expect(turn.toolCalls[0]).toMatchObject({ name: 'run', arguments: '{"cmd": "ls -la}' });
    expect(turn.toolCalls[0].parseError).toMatch(/not valid JSON/);
  });

  it('Qwen 2.5 via vLLM: a block cut off by max_tokens before its closing tag is still a call', () => {
    const { streamed, turn } = run([...contentChunks('<tool_call>\n{"name": "ls", "arguments": {"dir": "/tmp"}}'), finish('length')], hermes);
    expect(streamed).toBe('');
    expect(turn.toolCalls[0].parsedArguments).toEqual({ dir: '/tmp' });
  });

  it('Hermes: tags around something that is not a call stay text, shown as the model wrote them', () => {
    const { streamed, turn } = run(contentChunks('Use <tool_call>like this</tool_call> to call tools. <tool_call>never closed'), hermes);
    expect(streamed).toBe('Use <tool_call>like this</tool_call> to call tools. <tool_call>never closed');
    expect(turn.toolCalls).toEqual([]);
  });

  it('Qwen via Ollama with the flag off: the tags are plain text streamed as they come', () => {
    const text = '<tool_call>{"name":"ls","arguments":{}}</tool_call>';
    const { streamed, turn } = run(contentChunks(text));
    expect(streamed).toBe(text);
    expect(turn.toolCalls).toEqual([]);
  });
});
