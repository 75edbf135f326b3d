interface Pending<T> {
  item: T;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Runs `flush` over everything pushed while the previous flush was running, one flush at a
 * time (group commit): N concurrent publishes cost one write and one fsync, not N.
 * Each push resolves once a flush that included its item has succeeded.
 */
export class BatchingQueue<T> {
  private pending: Pending<T>[] = [];
  private running: Promise<void> | undefined;

  constructor(private readonly flush: (items: readonly T[]) => Promise<void>) {}

  push(item: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      this.running ??= this.drain();
    });
  }

  /** Resolves when everything pushed so far has been flushed (or has failed). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0);
      try {
        await this.flush(batch.map((pending) => pending.item));
        for (const pending of batch) pending.resolve();
      } catch (error) {
        for (const pending of batch) pending.reject(error);
      }
    }
    this.running = undefined;
  }
}
