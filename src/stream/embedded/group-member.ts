import type { DeliveredMessage } from '../event-bus.port';

export type BatchHandler = (batch: readonly DeliveredMessage[]) => Promise<void>;

/** One subscription's place in an in-process consumer group. */
export class GroupMember {
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    readonly topics: readonly string[],
    readonly fromBeginning: boolean,
    readonly handler: BatchHandler,
  ) {}

  /** Runs one delivery (handler and commit) and remembers it until it settles, so leaving can wait for it. */
  track<T>(work: () => Promise<T>): Promise<T> {
    const running = work();
    this.inFlight.add(running);
    const forget = () => this.inFlight.delete(running);
    running.then(forget, forget);
    return running;
  }

  /** Resolves when every delivery in hand has finished (and committed, if it succeeded). */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }
}
