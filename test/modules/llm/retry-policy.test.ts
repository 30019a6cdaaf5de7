import { backoffMs, retryAfterMs } from '../../../src/modules/llm/retry-policy';

describe('retryAfterMs', () => {
  const now = Date.UTC(2025, 0, 1, 12, 0, 0);

  it('reads Retry-After in seconds, fractions included', () => {
    expect(retryAfterMs(new Headers({ 'retry-after': '3' }), now)).toBe(3000);
    expect(retryAfterMs(new Headers({ 'retry-after': '0.5' }), now)).toBe(500);
  });

  it('reads Retry-After as an HTTP date, and a date in the past as no wait', () => {
    expect(retryAfterMs(new Headers({ 'retry-after': new Date(now + 7000).toUTCString() }), now)).toBe(7000);
    expect(retryAfterMs(new Headers({ 'retry-after': new Date(now - 7000).toUTCString() }), now)).toBe(0);
  });

  it("prefers OpenAI's retry-after-ms", () => {
    expect(retryAfterMs(new Headers({ 'retry-after-ms': '250', 'retry-after': '1' }), now)).toBe(250);
  });

  it('has no opinion without a header or with one it cannot read', () => {
    expect(retryAfterMs(new Headers(), now)).toBeUndefined();
    expect(retryAfterMs(new Headers({ 'retry-after': 'soon' }), now)).toBeUndefined();
  });
});

describe('backoffMs', () => {
  it('doubles per attempt with jitter between half and all of the step, up to the cap', () => {
    for (let i = 0; i < 50; i++) {
      const first = backoffMs(0, 500, 8000);
      const third = backoffMs(2, 500, 8000);
      const capped = backoffMs(10, 500, 8000);
      expect(first).toBeGreaterThanOrEqual(250);
      expect(first).toBeLessThanOrEqual(500);
      expect(third).toBeGreaterThanOrEqual(1000);
      expect(third).toBeLessThanOrEqual(2000);
      expect(capped).toBeGreaterThanOrEqual(4000);
      expect(capped).toBeLessThanOrEqual(8000);
    }
  });
});
