// One PubSub over any graphql-subscriptions engine (in-memory PubSub or RedisPubSub), with topics
// namespaced by prefix and iterators that unsubscribe when the consumer stops.
import type { PubSubEngine } from 'graphql-subscriptions';
import type { PubSub } from './ports';

export class EnginePubSub implements PubSub {
  constructor(
    private readonly engine: PubSubEngine,
    private readonly prefix: string,
  ) {}

  publish(topic: string, payload: unknown): Promise<void> {
    return this.engine.publish(this.prefix + topic, payload);
  }

  subscribe(topic: string): AsyncIterableIterator<unknown> {
    const queue = new MessageQueue<unknown>();
    const subscribed = this.engine.subscribe(this.prefix + topic, (m: unknown) => queue.push(m), {});
    queue.onReturn(() => void subscribed.then((id) => this.engine.unsubscribe(id)));
    subscribed.catch((error: unknown) => queue.fail(error));
    return queue;
  }

  async listen<T>(topic: string): Promise<AsyncIterableIterator<T>> {
    const queue = new MessageQueue<T>();
    const id = await this.engine.subscribe(this.prefix + topic, (m: T) => queue.push(m), {});
    queue.onReturn(() => this.engine.unsubscribe(id));
    return queue;
  }
}

/** An async iterator fed by push(); ends on return(). */
class MessageQueue<T> implements AsyncIterableIterator<T> {
  private readonly buffer: T[] = [];
  private readonly waiting: Array<{ resolve: (r: IteratorResult<T>) => void; reject: (e: unknown) => void }> = [];
  private done = false;
  private error: unknown = null;
  private cleanup: (() => void) | null = null;

  onReturn(cleanup: () => void): void {
    this.cleanup = cleanup;
  }

  push(message: T): void {
    if (this.done) return;
    const waiter = this.waiting.shift();
    if (waiter) waiter.resolve({ value: message, done: false });
    else this.buffer.push(message);
  }

  fail(error: unknown): void {
    this.error = error;
    for (const waiter of this.waiting.splice(0)) waiter.reject(error);
  }

  next(): Promise<IteratorResult<T>> {
    if (this.buffer.length) return Promise.resolve({ value: this.buffer.shift() as T, done: false });
    if (this.error) return Promise.reject(this.error);
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  return(): Promise<IteratorResult<T>> {
    if (!this.done) {
      this.done = true;
      this.buffer.length = 0;
      for (const waiter of this.waiting.splice(0)) waiter.resolve({ value: undefined, done: true });
      this.cleanup?.();
    }
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(error: unknown): Promise<IteratorResult<T>> {
    void this.return();
    return Promise.reject(error);
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }
}
