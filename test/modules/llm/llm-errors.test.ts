import { upstreamMessageOf } from '../../../src/modules/llm/llm-errors';

describe('upstreamMessageOf: the message of an error answer, whatever its shape', () => {
  it.each([
    ['OpenAI and Ollama', { error: { message: 'Invalid API key', type: 'invalid_request_error' } }, undefined, 'Invalid API key'],
    ['vLLM', { object: 'error', message: 'The model `x` does not exist.', type: 'NotFoundError', code: 404 }, undefined, 'The model `x` does not exist.'],
    ['FastAPI-based servers', { detail: 'Not authenticated' }, undefined, 'Not authenticated'],
    ['LM Studio', { error: 'Unexpected endpoint or method. (POST /v1/chat/completion)' }, undefined, 'Unexpected endpoint or method. (POST /v1/chat/completion)'],
    ['an unknown JSON shape', { status: 'failed' }, undefined, '{"status":"failed"}'],
    ['a proxy answering in text', undefined, ' <html>502 Bad Gateway</html>\n', '<html>502 Bad Gateway</html>'],
    ['an empty body', undefined, '', 'no message'],
  ])('%s', (_provider, body, text, expected) => {
    expect(upstreamMessageOf(body, text)).toBe(expected);
  });

  it('cuts a very long message', () => {
    const message = upstreamMessageOf(undefined, 'x'.repeat(5000));
    expect(message).toHaveLength(501);
    expect(message.endsWith('…')).toBe(true);
  });
});
