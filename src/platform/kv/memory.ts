// In-process stand-ins for Redis. State is shared by every Kv with the same prefix in this process,
// as instances sharing one Redis share it, so two apps in one test process see each other's writes.
import { EventEmitter } from 'node:events';
import { PubSub as MemoryEngine } from 'graphql-subscriptions';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { EnginePubSub } from './pubsub';
import type { EventLog, KeyValueStore, Kv, LoggedEvent, RateLimitRule } from './ports';

interface Entry<T> {
  value: T;
  expiresAt: number | null;
}

class ExpiringMap<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private readonly sweeper = setInterval(() => this.sweep(), 60_000).unref();

  get(key: string): T | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt !== null && entry.expiresAt <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, value: T, ttlSeconds?: number): void {
    this.entries.set(key, { value, expiresAt: ttlSeconds ? Date.now() + ttlSeconds * 1000 : null });
  }

  /** Changes the value and keeps the expiry. */
  replace(key: string, value: T): void {
    const entry = this.entries.get(key);
    if (entry) entry.value = value;
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  close(): void {
    clearInterval(this.sweeper);
    this.entries.clear();
  }

  private sweep(): void {
    const now = Date.now();
    for (const [key, entry] of this.entries) if (entry.expiresAt !== null && entry.expiresAt <= now) this.entries.delete(key);
  }
}

class MemoryStore implements KeyValueStore {
  constructor(private readonly map: ExpiringMap<string>) {}

  async get(key: string) {
    return this.map.get(key) ?? null;
  }

  async getMany(keys: string[]) {
    return keys.map((key) => this.map.get(key) ?? null);
  }

  async set(key: string, value: string, ttlSeconds?: number) {
    this.map.set(key, value, ttlSeconds);
  }

  async setIfAbsent(key: string, value: string, ttlSeconds: number) {
    if (this.map.get(key) !== undefined) return false;
    this.map.set(key, value, ttlSeconds);
    return true;
  }

  async del(...keys: string[]) {
    for (const key of keys) this.map.delete(key);
  }

  async incr(key: string, ttlSeconds?: number) {
    const current = this.map.get(key);
    if (current === undefined) {
      this.map.set(key, '1', ttlSeconds);
      return 1;
    }
    // Like Redis INCR: an existing counter keeps its expiry.
    const next = Number(current) + 1;
    this.map.replace(key, String(next));
    return next;
  }
}

class MemoryEventLog implements EventLog {
  constructor(private readonly map: ExpiringMap<string[]>) {}

  async append(key: string, data: string, ttlSeconds: number) {
    const events = this.map.get(key) ?? [];
    events.push(data);
    this.map.set(key, events, ttlSeconds);
    return events.length;
  }

  async readAfter(key: string, afterSeq: number, limit?: number): Promise<LoggedEvent[]> {
    const events = this.map.get(key) ?? [];
    const end = limit === undefined ? events.length : Math.min(events.length, afterSeq + limit);
    const out: LoggedEvent[] = [];
    for (let i = Math.max(afterSeq, 0); i < end; i++) out.push({ seq: i + 1, data: events[i] });
    return out;
  }

  async length(key: string) {
    return this.map.get(key)?.length ?? 0;
  }

  async delete(key: string) {
    this.map.delete(key);
  }
}

/** Messages cross as JSON, as they do through Redis: a subscriber never gets the publisher's own object. */
class JsonMemoryEngine extends MemoryEngine<Record<string, unknown>> {
  override publish(trigger: string, payload: unknown): Promise<void> {
    return super.publish(trigger, payload === undefined ? undefined : JSON.parse(JSON.stringify(payload)));
  }
}

interface SharedState {
  users: number;
  values: ExpiringMap<string>;
  logs: ExpiringMap<string[]>;
  engine: JsonMemoryEngine;
  limiters: Map<string, RateLimiterMemory>;
}

const shared = new Map<string, SharedState>();

export function createMemoryKv(prefix: string): Kv {
  let state = shared.get(prefix);
  if (!state) {
    state = { users: 0, values: new ExpiringMap(), logs: new ExpiringMap(), engine: new JsonMemoryEngine({ eventEmitter: new EventEmitter().setMaxListeners(0) }), limiters: new Map() };
    shared.set(prefix, state);
  }
  state.users++;
  const current = state;
  let closed = false;
  return {
    kind: 'memory',
    store: new MemoryStore(current.values),
    events: new MemoryEventLog(current.logs),
    pubSub: new EnginePubSub(current.engine, ''),
    rateLimiter: (rule: RateLimitRule) => {
      const key = `${rule.name}:${rule.points}/${rule.durationSeconds}/${rule.blockSeconds ?? 0}`;
      let limiter = current.limiters.get(key);
      if (!limiter) {
        limiter = new RateLimiterMemory({ keyPrefix: `${prefix}rl:${rule.name}`, points: rule.points, duration: rule.durationSeconds, blockDuration: rule.blockSeconds });
        current.limiters.set(key, limiter);
      }
      return limiter;
    },
    limiterStore: { limiterClass: RateLimiterMemory, limiterOptions: { keyPrefix: `${prefix}rl:gql` } },
    ping: async () => undefined,
    close: async () => {
      if (closed) return;
      closed = true;
      if (--current.users === 0) {
        current.values.close();
        current.logs.close();
        shared.delete(prefix);
      }
    },
  };
}
