import { identifierKey, type Identifier } from '../../identity/identifier';
import type { IncrementalStitcher } from '../../identity/incremental/incremental-stitcher';
import type { ClickstreamEvent } from '../clickstream-event';
import { clickstreamIdentityRecord } from './clickstream-identity-record';
import type { Resolution, StreamIdentity } from './stream-identity.port';

/**
 * The stream's identity, on the incremental identity service: every event is linked as batch
 * stitching would link it (identify and alias merge customers at once), and its customer is the
 * one batch jobs join it to, the user id's customer else the anonymous id's. The batch's changes
 * are planned on one read of the identity store and written by commit(), with expectations: a
 * writer that got there first makes commit throw, and the batch is applied again on fresh reads.
 */
export class StitchedStreamIdentity implements StreamIdentity {
  constructor(private readonly stitcher: IncrementalStitcher) {}

  async resolve(events: readonly ClickstreamEvent[]): Promise<Resolution> {
    const { outcomes, changes } = await this.stitcher.plan(events.map(clickstreamIdentityRecord));
    const resolved = events.map((event, index) => {
      const outcome = outcomes[index];
      const customerOf = (type: string, raw: string | undefined): string | undefined => {
        if (raw === undefined || !outcome) return undefined;
        const identifier: Identifier | null = this.stitcher.normalizeIdentifier({ type, value: raw });
        return identifier === null ? undefined : outcome.customerOf.get(identifierKey(identifier));
      };
      // Both ids junk (blocklisted): batch jobs join the event to no customer, so it has none here either.
      const customerId = customerOf('user_id', event.userId) ?? customerOf('anonymous_id', event.anonymousId);
      return { customerId, merges: (outcome?.merges ?? []).map(({ from, into }) => ({ from, into })) };
    });
    return { events: resolved, commit: () => this.stitcher.apply(changes) };
  }
}
