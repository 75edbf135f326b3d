import type { OnlineStore } from '../../store/online-store.port';
import { eventTimeMs, type ClickstreamEvent } from '../clickstream-event';
import type { CustomerMerge, Resolution, StreamIdentity } from './stream-identity.port';

const LINK_FEATURE = 'user_id';
// Links kept in memory; older ones are read back from the store when needed.
const CACHED_LINKS = 200_000;

export const anonymousLinkKey = (anonymousId: string): string => `stream-identity:anonymous:${anonymousId}`;

/**
 * A minimal stand-in for the identity service, used until src/identity provides one: the
 * customer is the account (`userId`); an anonymous id seen with a userId (identify, or any later
 * call carrying both) or named by an alias is linked to it once, and its customer merged in.
 * A linked anonymous id is never re-linked to another account (a shared device must not merge
 * two accounts: a customer never holds two user_ids). Links live in the online store.
 */
export class UserIdAnchoredIdentity implements StreamIdentity {
  private readonly links = new Map<string, string | null>();

  constructor(private readonly store: OnlineStore) {}

  async resolve(events: readonly ClickstreamEvent[]): Promise<Resolution> {
    await this.load(events);
    // New links are visible to the rest of this call at once, but cached and stored only on
    // commit(): a batch that fails before its merge is stored resolves (and merges) again on retry.
    const fresh = new Map<string, { userId: string; time: number }>();
    const linked = (id: string | undefined) => (id === undefined ? undefined : (fresh.get(id)?.userId ?? this.links.get(id) ?? undefined));
    const resolved = events.map((event) => {
      const merges: CustomerMerge[] = [];
      const userId = event.userId;
      if (userId !== undefined) {
        for (const anonymousId of [event.anonymousId, event.type === 'alias' ? event.previousId : undefined]) {
          if (anonymousId === undefined || anonymousId === userId || linked(anonymousId) !== undefined) continue;
          fresh.set(anonymousId, { userId, time: eventTimeMs(event) });
          merges.push({ from: anonymousId, into: userId });
        }
        return { customerId: userId, merges };
      }
      const anonymousId = event.anonymousId ?? '';
      return { customerId: linked(anonymousId) ?? anonymousId, merges };
    });
    return {
      events: resolved,
      commit: async () => {
        if (fresh.size === 0) return;
        await this.store.writeBatch([...fresh].map(([anonymousId, { userId, time }]) => ({ entityKey: anonymousLinkKey(anonymousId), eventTime: Math.max(0, time), features: { [LINK_FEATURE]: userId } })));
        for (const [anonymousId, { userId }] of fresh) this.remember(anonymousId, userId);
      },
    };
  }

  private async load(events: readonly ClickstreamEvent[]): Promise<void> {
    const wanted = new Set<string>();
    for (const event of events) {
      for (const id of [event.anonymousId, event.type === 'alias' ? event.previousId : undefined]) if (id !== undefined && !this.links.has(id)) wanted.add(id);
    }
    if (wanted.size === 0) return;
    const ids = [...wanted];
    const stored = await this.store.read(ids.map(anonymousLinkKey), [LINK_FEATURE]);
    for (const id of ids) {
      const value = stored.get(anonymousLinkKey(id))?.get(LINK_FEATURE)?.value;
      this.remember(id, typeof value === 'string' ? value : null);
    }
  }

  private remember(anonymousId: string, userId: string | null): void {
    this.links.delete(anonymousId);
    this.links.set(anonymousId, userId);
    if (this.links.size > CACHED_LINKS) this.links.delete(this.links.keys().next().value as string);
  }
}
