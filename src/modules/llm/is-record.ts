// The wire is read as unknown JSON: this tells a JSON object from everything else.
export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
