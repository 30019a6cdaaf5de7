import { capToolOutput } from '../../../src/modules/tools/tool-output';

describe('capping tool output for the model', () => {
  it('leaves text within the limit alone', () => {
    expect(capToolOutput('héllo', 6)).toEqual({ text: 'héllo', cutBytes: 0 });
  });

  it.each([
    ['two-byte', 'é'],
    ['three-byte', '€'],
    ['four-byte', '😀'],
  ])('never cuts a %s character in half', (_kind, char) => {
    const text = char.repeat(200);
    for (let limit = 60; limit < 70; limit++) {
      const { text: capped, cutBytes } = capToolOutput(text, limit);
      const kept = capped.slice(0, capped.indexOf('\n'));

      expect(Buffer.byteLength(capped)).toBeLessThanOrEqual(limit);
      expect(kept).not.toContain('\uFFFD');
      expect(kept).toBe(char.repeat(kept.length / char.length));
      expect(Buffer.byteLength(kept) + cutBytes).toBe(Buffer.byteLength(text));
    }
  });
});
