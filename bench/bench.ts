// What every benchmark returns: its measurements and how they compare to the baseline run beside it.
export interface BenchResult {
  name: string;
  /** Raw measurements, e.g. { ours_rps: 5400, baseline_rps: 6100 }. */
  metrics: Record<string, number>;
  /** Each target: the ratio measured, the bound, and which way the bound goes. */
  targets: Array<{ what: string; ratio: number; bound: number; atLeast: boolean }>;
}

export type Bench = () => Promise<BenchResult>;

export function formatResult(result: BenchResult): string {
  const lines = [`## ${result.name}`];
  for (const [key, value] of Object.entries(result.metrics)) lines.push(`  ${key}: ${round(value)}`);
  for (const t of result.targets) {
    const ok = t.atLeast ? t.ratio >= t.bound : t.ratio <= t.bound;
    lines.push(`  ${ok ? 'PASS' : 'MISS'} ${t.what}: ${round(t.ratio)} (target ${t.atLeast ? '>=' : '<='} ${t.bound})`);
  }
  return lines.join('\n');
}

const round = (n: number) => (Number.isInteger(n) ? n : Number(n.toFixed(3)));
