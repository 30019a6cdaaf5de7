// Redis adapters (ioredis). Keys and channels carry the configured prefix, so instances of one
// deployment share state and deployments or test workers sharing a Redis do not.
import { Redis, type RedisOptions } from 'ioredis';
import { RedisPubSub } from 'graphql-redis-subscriptions';
import { RateLimiterRedis, type IRateLimiterStoreOptions } from 'rate-limiter-flexible';
import { EnginePubSub } from './pubsub';
import type { EventLog, KeyValueStore, Kv, LoggedEvent, RateLimitRule } from './ports';

class RedisStore implements KeyValueStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  get(key: string) {
    return this.redis.get(this.prefix + key);
  }

  async getMany(keys: string[]) {
    return keys.length ? this.redis.mget(...keys.map((k) => this.prefix + k)) : [];
  }

  async set(key: string, value: string, ttlSeconds?: number) {
    if (ttlSeconds) await this.redis.set(this.prefix + key, value, 'EX', ttlSeconds);
    else await this.redis.set(this.prefix + key, value);
  }

  async setIfAbsent(key: string, value: string, ttlSeconds: number) {
    return (await this.redis.set(this.prefix + key, value, 'EX', ttlSeconds, 'NX')) === 'OK';
  }

  async del(...keys: string[]) {
    if (keys.length) await this.redis.del(...keys.map((k) => this.prefix + k));
  }

  async incr(key: string, ttlSeconds?: number) {
    if (ttlSeconds === undefined) return this.redis.incr(this.prefix + key);
    const results = await this.redis.multi().incr(this.prefix + key).expire(this.prefix + key, ttlSeconds, 'NX').exec();
    return Number(results?.[0]?.[1]);
  }
}

class RedisEventLog implements EventLog {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async append(key: string, data: string, ttlSeconds: number) {
    // RPUSH answers the list's new length, which is the new event's sequence number: atomic and gapless.
    const results = await this.redis.multi().rpush(this.prefix + key, data).expire(this.prefix + key, ttlSeconds).exec();
    const [error, length] = results?.[0] ?? [new Error('Redis returned no result for RPUSH'), null];
    if (error) throw error;
    return Number(length);
  }

  async readAfter(key: string, afterSeq: number, limit?: number): Promise<LoggedEvent[]> {
    const start = Math.max(afterSeq, 0);
    const stop = limit === undefined ? -1 : start + limit - 1;
    const values = await this.redis.lrange(this.prefix + key, start, stop);
    return values.map((data, i) => ({ seq: start + i + 1, data }));
  }

  length(key: string) {
    return this.redis.llen(this.prefix + key);
  }

  async delete(key: string) {
    await this.redis.del(this.prefix + key);
  }
}

export async function createRedisKv(url: string, prefix: string): Promise<Kv> {
  // disconnectTimeout (untyped; 2 s by default) is how long disconnect() waits for a dead socket to close.
  const options = { maxRetriesPerRequest: 2, connectTimeout: 5_000, lazyConnect: true, disconnectTimeout: 200 } as RedisOptions;
  const redis = new Redis(url, options);
  const subscriber = new Redis(url, { ...options, maxRetriesPerRequest: null });
  // Without listeners ioredis reports every reconnect attempt as an unhandled error event.
  redis.on('error', () => undefined);
  subscriber.on('error', () => undefined);
  try {
    await Promise.all([redis.connect(), subscriber.connect()]);
  } catch (error) {
    redis.disconnect();
    subscriber.disconnect();
    throw new Error(`Cannot reach Redis at REDIS_URL (${redactUrl(url)}): ${(error as Error).message}`, { cause: error });
  }
  const engine = new RedisPubSub({ publisher: redis, subscriber });
  return {
    kind: 'redis',
    store: new RedisStore(redis, prefix),
    events: new RedisEventLog(redis, prefix),
    pubSub: new EnginePubSub(engine, prefix),
    rateLimiter: (rule: RateLimitRule) =>
      new RateLimiterRedis({
        storeClient: redis,
        keyPrefix: `${prefix}rl:${rule.name}`,
        points: rule.points,
        duration: rule.durationSeconds,
        blockDuration: rule.blockSeconds,
      }),
    limiterStore: { limiterClass: RateLimiterRedis, limiterOptions: { storeClient: redis, keyPrefix: `${prefix}rl:gql` } as IRateLimiterStoreOptions },
    ping: async () => {
      await redis.ping();
    },
    close: async () => {
      // QUIT lets pending replies arrive; on a lost connection it would wait for a reconnect instead.
      await Promise.allSettled([redis, subscriber].map(async (c) => (c.status === 'ready' ? c.quit() : c.disconnect())));
    },
  };
}

export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}
