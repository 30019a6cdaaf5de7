// One contract for both adapters: Redis when REDIS_URL is set (CI's second run), and memory always.
import { randomBytes } from 'node:crypto';
import { createKv, type Kv } from '../../src/platform/kv';

const adapters: Array<[string, string | null]> = [['memory', null]];
if (process.env.REDIS_URL) adapters.push(['redis', process.env.REDIS_URL]);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(adapters)('the %s key-value, pub/sub and event log', (_name, url) => {
  let kv: Kv;
  let other: Kv;
  beforeEach(async () => {
    const prefix = `kv_test_${randomBytes(6).toString('hex')}:`;
    kv = await createKv({ url, prefix });
    other = await createKv({ url, prefix });
  });
  afterEach(async () => {
    await kv.close();
    await other.close();
  });

  it('stores, reads and deletes values, shared by every instance on the same prefix', async () => {
    expect(await kv.store.get('a')).toBeNull();
    await kv.store.set('a', 'one');
    expect(await other.store.get('a')).toBe('one');
    await other.store.set('b', 'two');
    expect(await kv.store.getMany(['a', 'missing', 'b'])).toEqual(['one', null, 'two']);
    await other.store.del('a');
    expect(await kv.store.get('a')).toBeNull();
  });

  it('keeps different prefixes apart', async () => {
    const stranger = await createKv({ url, prefix: `kv_test_${randomBytes(6).toString('hex')}:` });
    try {
      await kv.store.set('shared-name', 'mine');
      expect(await stranger.store.get('shared-name')).toBeNull();
    } finally {
      await stranger.close();
    }
  });

  it('expires values after their time to live', async () => {
    await kv.store.set('short', 'x', 1);
    expect(await kv.store.get('short')).toBe('x');
    await sleep(1100);
    expect(await kv.store.get('short')).toBeNull();
  });

  it('sets a value only when absent', async () => {
    expect(await kv.store.setIfAbsent('lock', 'first', 10)).toBe(true);
    expect(await other.store.setIfAbsent('lock', 'second', 10)).toBe(false);
    expect(await kv.store.get('lock')).toBe('first');
  });

  it('counts atomically under concurrent increments, and a new counter expires', async () => {
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 2 ? kv : other).store.incr('counter', 1)));
    expect([...results].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    await sleep(1100);
    expect(await kv.store.get('counter')).toBeNull();
  });

  it('numbers appended events 1, 2, 3… without gaps and reads them after any sequence number', async () => {
    const seqs = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? kv : other).events.append('run:1', `e${i}`, 60)));
    expect([...seqs].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const all = await kv.events.readAfter('run:1', 0);
    expect(all.map((e) => e.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(new Set(all.map((e) => e.data)).size).toBe(20);
    const tail = await other.events.readAfter('run:1', 17);
    expect(tail).toEqual(all.slice(17));
    expect(await kv.events.readAfter('run:1', 5, 2)).toEqual(all.slice(5, 7));
    expect(await kv.events.readAfter('run:1', 20)).toEqual([]);
    expect(await kv.events.length('run:1')).toBe(20);
    await kv.events.delete('run:1');
    expect(await other.events.readAfter('run:1', 0)).toEqual([]);
  });

  it('delivers published messages to every listener, from another instance, in order', async () => {
    const a = await kv.pubSub.listen<{ n: number }>('topic');
    const b = await other.pubSub.listen<{ n: number }>('topic');
    for (let n = 1; n <= 3; n++) await other.pubSub.publish('topic', { n });
    for (const iterator of [a, b]) {
      const got = [];
      for (let i = 0; i < 3; i++) got.push((await iterator.next()).value);
      expect(got).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
      await iterator.return?.();
    }
  });

  it('delivers what a message says as JSON, not the object that was published', async () => {
    const iterator = await kv.pubSub.listen<Record<string, unknown>>('topic-json');
    const message = { at: new Date(0), list: [1, 'two'], gone: undefined };
    await other.pubSub.publish('topic-json', message);
    message.list.push('changed after publishing');
    expect((await iterator.next()).value).toStrictEqual({ at: '1970-01-01T00:00:00.000Z', list: [1, 'two'] });
    await iterator.return?.();
  });

  it('stops delivering after the consumer returns, and ends pending reads', async () => {
    const iterator = await kv.pubSub.listen<string>('topic2');
    const pending = iterator.next();
    await iterator.return?.();
    expect(await pending).toEqual({ value: undefined, done: true });
    await kv.pubSub.publish('topic2', 'late');
    expect(await iterator.next()).toEqual({ value: undefined, done: true });
  });

  it('subscribes lazily through the type-graphql interface too', async () => {
    const iterator = kv.pubSub.subscribe('topic3');
    const first = iterator.next();
    // The lazy subscription needs a moment to be registered before a publish can reach it.
    await sleep(100);
    await other.pubSub.publish('topic3', 'hello');
    expect(await first).toEqual({ value: 'hello', done: false });
    await iterator.return?.();
  });

  it('rate-limits by key across instances', async () => {
    const rule = { name: 'test', points: 2, durationSeconds: 60 };
    const limiterA = kv.rateLimiter(rule);
    const limiterB = other.rateLimiter(rule);
    await limiterA.consume('ip:1');
    await limiterB.consume('ip:1');
    await expect(limiterA.consume('ip:1')).rejects.toMatchObject({ remainingPoints: 0 });
    await expect(limiterA.consume('ip:2')).resolves.toMatchObject({ remainingPoints: 1 });
  });

  it('answers ping while the store is up', async () => {
    await expect(kv.ping()).resolves.toBeUndefined();
  });
});
