import { readSseData } from '../../../src/modules/llm/sse-reader';

async function* bytes(...parts: Array<string | Uint8Array>): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield typeof part === 'string' ? new TextEncoder().encode(part) : part;
}

async function read(body: AsyncIterable<Uint8Array>): Promise<string[][]> {
  const batches: string[][] = [];
  for await (const batch of readSseData(body)) batches.push(batch);
  return batches;
}

describe('readSseData', () => {
  it('gives each event of a read in one batch, and events split across reads once complete', async () => {
    const batches = await read(bytes('data: {"a":1}\n\ndata: {"b":', '2}\n\ndata: [DONE]\n\n'));
    expect(batches).toEqual([['{"a":1}'], ['{"b":2}', '[DONE]']]);
  });

  it('reads CRLF line endings, comments, other fields and data without the space', async () => {
    const batches = await read(bytes(': keep-alive\r\nevent: message\r\nid: 7\r\ndata:{"x":true}\r\n\r\nretry: 100\r\n\r\n'));
    expect(batches).toEqual([['{"x":true}']]);
  });

  it('joins the data lines of one event with newlines', async () => {
    expect(await read(bytes('data: first\ndata: second\n\n'))).toEqual([['first\nsecond']]);
  });

  it('keeps a multi-byte character split between two reads whole', async () => {
    const encoded = new TextEncoder().encode('data: {"city":"北京"}\n\n');
    const cut = encoded.indexOf(0xe5) + 1;
    expect(await read(bytes(encoded.slice(0, cut), encoded.slice(cut)))).toEqual([['{"city":"北京"}']]);
  });

  it('delivers a last event that the stream ended without a blank line after', async () => {
    expect(await read(bytes('data: {"a":1}\n\ndata: {"last":true}'))).toEqual([['{"a":1}'], ['{"last":true}']]);
  });

  it('yields nothing for a stream of only comments', async () => {
    expect(await read(bytes(': ping\n\n', ': ping\n\n'))).toEqual([]);
  });
});
