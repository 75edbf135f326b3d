/**
 * Tracks an adapter's running operations so close() can let them finish before releasing the
 * engine, and refuses new ones afterwards (a write racing shutdown must fail loudly, not vanish).
 */
export class InFlight {
  private readonly running = new Set<Promise<unknown>>();
  private closing = false;

  constructor(private readonly what: string) {}

  run<T>(operation: () => Promise<T>): Promise<T> {
    if (this.closing) return Promise.reject(new Error(`${this.what} is closed`));
    const promise = operation();
    this.running.add(promise);
    // The caller sees the outcome; this set only needs to know when the operation settled.
    const forget = () => this.running.delete(promise);
    promise.then(forget, forget);
    return promise;
  }

  /** Stops accepting work and waits for what is running, failed or not. */
  async drain(): Promise<void> {
    this.closing = true;
    await Promise.allSettled([...this.running]);
  }
}
