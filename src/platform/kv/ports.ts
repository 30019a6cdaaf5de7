// The three shapes of shared state, each with a Redis adapter and an in-memory one.
import type { PubSub as TypeGraphqlPubSub } from 'type-graphql';
import type { IRateLimiterOptions, RateLimiterAbstract } from 'rate-limiter-flexible';

/** Strings under keys, with optional expiry and atomic counters. */
export interface KeyValueStore {
  get(key: string): Promise<string | null>;
  /** Several values in one round trip, in the order of the keys. */
  getMany(keys: string[]): Promise<Array<string | null>>;
  set(key: string, value: string, ttlSeconds?: number): Promise<void>;
  /** Sets only when the key is absent; true when this call set it. */
  setIfAbsent(key: string, value: string, ttlSeconds: number): Promise<boolean>;
  del(...keys: string[]): Promise<void>;
  /** Adds one and returns the new value; a new counter expires after ttlSeconds when given. */
  incr(key: string, ttlSeconds?: number): Promise<number>;
}

export interface LoggedEvent {
  seq: number;
  data: string;
}

/** An append-only log per key: sequence numbers 1, 2, 3… with no gaps, readable after any of them. */
export interface EventLog {
  /** Appends and returns the new event's sequence number; the whole log expires ttlSeconds after its last append. */
  append(key: string, data: string, ttlSeconds: number): Promise<number>;
  readAfter(key: string, afterSeq: number, limit?: number): Promise<LoggedEvent[]>;
  length(key: string): Promise<number>;
  delete(key: string): Promise<void>;
}

/** Topic pub/sub across instances; also the PubSub that type-graphql's @Subscription takes. */
export interface PubSub extends TypeGraphqlPubSub {
  publish(topic: string, payload: unknown): Promise<void>;
  subscribe(topic: string): AsyncIterableIterator<unknown>;
  /** Resolves once every message published from then on will be delivered to the iterator. */
  listen<T>(topic: string): Promise<AsyncIterableIterator<T>>;
}

export interface RateLimitRule {
  /** Distinguishes the counters of one rule from another's. */
  name: string;
  points: number;
  durationSeconds: number;
  blockSeconds?: number;
}

export interface Kv {
  readonly kind: 'redis' | 'memory';
  readonly store: KeyValueStore;
  readonly events: EventLog;
  readonly pubSub: PubSub;
  rateLimiter(rule: RateLimitRule): RateLimiterAbstract;
  /** The limiter class and store options for libraries that make their own limiters. */
  readonly limiterStore: { limiterClass: typeof RateLimiterAbstract; limiterOptions: Omit<IRateLimiterOptions, 'points' | 'duration'> };
  /** Throws when the backing store cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
