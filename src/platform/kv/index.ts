import { createMemoryKv } from './memory';
import { createRedisKv } from './redis';
import type { Kv } from './ports';

export type { Kv, KeyValueStore, EventLog, LoggedEvent, PubSub, RateLimitRule } from './ports';
export { consume, limitReached } from './limits';

/** Redis when a URL is given, else the in-process stand-in. */
export function createKv(options: { url: string | null; prefix: string }): Promise<Kv> {
  return options.url ? createRedisKv(options.url, options.prefix) : Promise.resolve(createMemoryKv(options.prefix));
}
