import { ExpiringLru } from '../../shared/expiring-lru';
import type { FeatureScalar } from '../../store/online-store.port';
import type { CustomerStreamState } from './customer-stream-state';
import type { LatestName } from './streamed-features';

/** What the projector knows about one customer between batches. */
export interface CustomerView {
  state: CustomerStreamState;
  /** Counter and cart values as stored (read, or last written by us), to write only what changed. */
  served: Map<string, FeatureScalar>;
  /** Point features as stored: value and event time (needed to carry them over a merge). */
  latest: Map<LatestName, { value: string; time: number }>;
  /** Newest event time of anything stored for the customer; the next version must exceed it. */
  newestStored: number;
  loadedAt: number;
}

/**
 * Customers loaded recently, so a busy customer's state is read from the store once a minute
 * rather than once per batch. Sound while one process applies a customer's events (the consumer
 * group's single-writer assumption, see StreamConsumer); entries expire after `ttlMs`, which also
 * bounds how long a batch-written base goes unnoticed (a view is trusted from its `loadedAt`). The
 * oldest entries go first past `capacity`; `forget` drops customers whose in-memory state may be
 * ahead of the store (a failed write).
 */
export class CustomerCache extends ExpiringLru<CustomerView> {}
