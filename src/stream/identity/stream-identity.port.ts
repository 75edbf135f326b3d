import type { ClickstreamEvent } from '../clickstream-event';

/** Customer `from` was merged into `into`: its stream state and features now belong to `into`. */
export interface CustomerMerge {
  into: string;
  from: string;
}

export interface ResolvedEvent {
  /** Undefined when every identifier the event carries is junk: batch jobs join it to no customer. */
  customerId: string | undefined;
  /** Merges this event caused (identify/alias linking two customers), in the order they happened. */
  merges: readonly CustomerMerge[];
}

/** A resolution, and the step that makes its new links durable (run after their effects are stored). */
export interface Resolution {
  events: ResolvedEvent[];
  commit(): Promise<void>;
}

/**
 * How the consumers find an event's customer. identify and alias events link identifiers at once
 * (merging customers) before the events after them are resolved, so a customer's real-time
 * features follow them across the anonymous → logged-in boundary without waiting for the batch.
 */
export interface StreamIdentity {
  /**
   * The customer of each event, in order, as if applied one by one. New links are recorded by
   * `commit()`, which the caller runs once the merged state is stored: a crash in between
   * resolves (and merges) the same way again, and merging is idempotent.
   */
  resolve(events: readonly ClickstreamEvent[]): Promise<Resolution>;
}
