// The time budget of one pool operation, as an abort signal that also follows the caller's signal.
// It goes quiet once disposed, so a late timer never cancels a request that already finished.
export class Deadline {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private readonly startedAt = Date.now();
  private expired = false;
  private readonly onParentAbort = () => this.controller.abort(this.parent?.reason);

  constructor(
    readonly ms: number,
    private readonly parent?: AbortSignal,
  ) {
    this.timer = setTimeout(() => {
      this.expired = true;
      this.controller.abort(new Error(`no answer within ${ms} ms`));
    }, ms);
    if (parent?.aborted) this.onParentAbort();
    else parent?.addEventListener('abort', this.onParentAbort, { once: true });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** True when the budget ran out (not when the caller aborted). */
  get timedOut(): boolean {
    return this.expired;
  }

  /** True when the caller's own signal aborted. */
  get cancelled(): boolean {
    return this.parent?.aborted === true;
  }

  /** What is left of the budget, at least 1 ms. */
  remaining(): number {
    return Math.max(1, this.ms - (Date.now() - this.startedAt));
  }

  /** `promise`, or a rejection as soon as the deadline passes or the caller aborts. */
  race<T>(promise: Promise<T>): Promise<T> {
    const signal = this.controller.signal;
    if (signal.aborted) return Promise.reject(signal.reason);
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.parent?.removeEventListener('abort', this.onParentAbort);
  }
}
