import { identifierKey, type Identifier } from '../../identity/identifier';
import type { IncrementalStitcher, StitchedBatch } from '../../identity/incremental/incremental-stitcher';
import type { NormalizedRecord } from '../../identity/incremental/identity-record';
import type { ClickstreamEvent } from '../clickstream-event';
import type { AssignmentCache } from './assignment-cache';
import { clickstreamIdentityRecord } from './clickstream-identity-record';
import type { Resolution, ResolvedEvent, StreamIdentity } from './stream-identity.port';

export interface StitchedStreamIdentityOptions {
  /** Assignments this stitching read or wrote recently (see resolve); without it, every batch reads them all. */
  cache?: AssignmentCache;
  now?: () => number;
}

/**
 * The stream's identity, on the incremental identity service: every event is linked as batch
 * stitching would link it (identify and alias merge customers at once), and its customer is the
 * one batch jobs join it to, the user id's customer else the anonymous id's. The batch's changes
 * are planned on one read of the identity store and written by commit(), with expectations: a
 * writer that got there first makes commit throw, and the batch is applied again on fresh reads.
 *
 * With a cache, an event whose identifiers all belong to one customer by recent knowledge (most
 * events of an active customer) takes that customer without a read; every other event is planned
 * on fresh reads, so nothing is ever written on cached knowledge. When the planned events touch a
 * cached event's identifiers or merge its customer, the whole batch is planned fresh instead. A
 * link made elsewhere (the daily stitch, a person merging or un-merging) so reaches an active
 * customer's events within the cache's TTL, as the feature projector's customer cache bounds how
 * long a batch-written value goes unnoticed.
 */
export class StitchedStreamIdentity implements StreamIdentity {
  private readonly now: () => number;

  constructor(
    private readonly stitcher: IncrementalStitcher,
    private readonly options: StitchedStreamIdentityOptions = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  async resolve(events: readonly ClickstreamEvent[]): Promise<Resolution> {
    const records = events.map((event) => clickstreamIdentityRecord(event, this.stitcher.traitIdentifiers));
    const { cache } = this.options;
    const known = cache ? this.knownCustomers(records.map((record) => this.stitcher.normalize(record)), cache) : new Map<number, string>();
    const planned = [...records.keys()].filter((index) => !known.has(index));
    let batch = await this.stitcher.plan(planned.map((index) => records[index]));
    let plannedIndexes = planned;
    if (known.size > 0 && this.touchesKnown(batch, known)) {
      batch = await this.stitcher.plan(records);
      plannedIndexes = [...records.keys()];
      known.clear();
    }
    const resolved: ResolvedEvent[] = events.map((event, index) => {
      const customerId = known.get(index);
      return { customerId: customerId === undefined ? undefined : this.customerOf(event, () => customerId), merges: [] };
    });
    plannedIndexes.forEach((eventIndex, planIndex) => {
      const outcome = batch.outcomes[planIndex];
      resolved[eventIndex] = {
        customerId: this.customerOf(events[eventIndex], (key) => outcome?.customerOf.get(key)),
        merges: (outcome?.merges ?? []).map(({ from, into }) => ({ from, into })),
      };
    });
    return {
      events: resolved,
      commit: async () => {
        try {
          await this.stitcher.apply(batch.changes);
        } catch (error) {
          cache?.forget(batch.changes.assign.map(({ identifier }) => identifierKey(identifier)));
          throw error;
        }
        if (cache) this.remember(batch, cache);
      },
    };
  }

  /**
   * Events whose identifiers the cache puts all with one customer, by event index. Events sharing
   * an identifier with an event that must be planned are planned too (its plan could move them).
   */
  private knownCustomers(normalized: readonly NormalizedRecord[], cache: AssignmentCache): Map<number, string> {
    const now = this.now();
    const known = new Map<number, string>();
    const plannedKeys = new Set<string>();
    normalized.forEach((record, index) => {
      const keys = record.identifiers.map(identifierKey);
      const customers = new Set(keys.map((key) => cache.get(key, now)));
      const [only] = customers;
      if (keys.length > 0 && customers.size === 1 && only !== undefined) known.set(index, only);
      else for (const key of keys) plannedKeys.add(key);
    });
    for (let changed = true; changed; ) {
      changed = false;
      for (const [index] of known) {
        const keys = normalized[index].identifiers.map(identifierKey);
        if (!keys.some((key) => plannedKeys.has(key))) continue;
        known.delete(index);
        for (const key of keys) plannedKeys.add(key);
        changed = true;
      }
    }
    return known;
  }

  /** Whether the plan merges a cached event's customer, or assigns an identifier to one. */
  private touchesKnown(batch: StitchedBatch, known: ReadonlyMap<number, string>): boolean {
    const customers = new Set(known.values());
    if (batch.changes.merges.some((merge) => customers.has(merge.from) || customers.has(merge.into))) return true;
    return batch.changes.assign.some(({ customerId }) => customers.has(customerId)) || batch.changes.customers.some((customer) => customers.has(customer.customerId));
  }

  /** The event's customer: its user id's, else its anonymous id's (as batch jobs join it); none when both are junk. */
  private customerOf(event: ClickstreamEvent, customerOfKey: (key: string) => string | undefined): string | undefined {
    const of = (type: string, raw: string | undefined): string | undefined => {
      if (raw === undefined) return undefined;
      const identifier: Identifier | null = this.stitcher.normalizeIdentifier({ type, value: raw });
      return identifier === null ? undefined : customerOfKey(identifierKey(identifier));
    };
    return of('user_id', event.userId) ?? of('anonymous_id', event.anonymousId);
  }

  /** What the plan read and wrote, as the store now holds it: each identifier's last outcome, then every assignment made. */
  private remember(batch: StitchedBatch, cache: AssignmentCache): void {
    const now = this.now();
    for (const outcome of batch.outcomes) for (const [key, customerId] of outcome.customerOf) cache.set(key, customerId, now);
    for (const { identifier, customerId } of batch.changes.assign) cache.set(identifierKey(identifier), customerId, now);
  }
}
