import { toolResultText } from '../../../src/modules/mcp/tool-result';

describe('toolResultText', () => {
  it('hands the model every content block as text, describing what it cannot read', () => {
    const result = toolResultText({
      content: [
        { type: 'text', text: 'Found 2 files.' },
        { type: 'image', data: Buffer.from('12345678').toString('base64'), mimeType: 'image/png' },
        { type: 'audio', data: Buffer.from('123').toString('base64'), mimeType: 'audio/wav' },
        { type: 'resource', resource: { uri: 'file:///notes.md', mimeType: 'text/markdown', text: '# Notes' } },
        { type: 'resource', resource: { uri: 'file:///a.zip', mimeType: 'application/zip', blob: Buffer.from('zip!').toString('base64') } },
        { type: 'resource_link', uri: 'file:///b.txt', name: 'b.txt', description: 'the second file' },
      ],
    });

    expect(result).toEqual({
      isError: false,
      cutBytes: 0,
      text: [
        'Found 2 files.',
        '[image: image/png, 8 bytes, not shown]',
        '[audio: audio/wav, 3 bytes, not shown]',
        '[resource file:///notes.md]\n# Notes',
        '[resource file:///a.zip: application/zip, 4 bytes, not shown]',
        '[resource link file:///b.txt: b.txt (the second file)]',
      ].join('\n'),
    });
  });

  it('uses the structured content when there are no content blocks', () => {
    expect(toolResultText({ content: [], structuredContent: { sum: 3 } }).text).toBe('{"sum":3}');
  });

  it('keeps the error flag and says so when an error comes without text', () => {
    expect(toolResultText({ content: [{ type: 'text', text: 'no such file' }], isError: true })).toEqual({
      text: 'no such file',
      isError: true,
      cutBytes: 0,
    });
    expect(toolResultText({ content: [], isError: true }).text).toBe('The tool failed without saying why.');
    expect(toolResultText({ content: [] }).text).toBe('The tool returned no content.');
  });

  it('caps a long result at the byte limit and says how much was cut', () => {
    const result = toolResultText({ content: [{ type: 'text', text: 'a'.repeat(5000) }] }, 1000);

    expect(Buffer.byteLength(result.text)).toBeLessThanOrEqual(1000);
    expect(result.text).toMatch(/^a+\n\[output cut: \d+ of 5000 bytes not shown\]$/);
    const kept = result.text.indexOf('\n');
    expect(result.cutBytes).toBe(5000 - kept);
    expect(result.text).toContain(`[output cut: ${result.cutBytes} of 5000 bytes not shown]`);
  });

  it('defaults to 100 KB', () => {
    const result = toolResultText({ content: [{ type: 'text', text: 'x'.repeat(200 * 1024) }] });

    expect(Buffer.byteLength(result.text)).toBeLessThanOrEqual(100 * 1024);
    expect(result.cutBytes).toBeGreaterThan(100 * 1024);
  });
});
