import { customerEntityKey } from '../../features/feature-definition';
import type { FeatureRow, OnlineStore } from '../../store/online-store.port';

/**
 * A customer's segments online: one value per customer, the sorted ids of the segments they are
 * in, in the customer's online-store partition beside their features. One value (not one per
 * segment) makes `customer { segments }` one read, and entries and exits of one evaluation one write.
 */
export const SEGMENTS_FEATURE = 'segments';

export interface OnlineMembership {
  segments: string[];
  /**
   * When the membership was evaluated (epoch ms, wall clock): by the daily run, or by the stream.
   * Processing time, not event time, so the newest evaluation wins, a rerun of a day included.
   */
  eventTime: number;
}

export function membershipRow(customerId: string, segments: readonly string[], eventTime: number): FeatureRow {
  return { entityKey: customerEntityKey(customerId), eventTime, features: { [SEGMENTS_FEATURE]: [...segments].sort() } };
}

/** The online memberships of customers; a customer never evaluated is absent. */
export async function readMemberships(store: OnlineStore, customerIds: readonly string[]): Promise<Map<string, OnlineMembership>> {
  const stored = await store.read(customerIds.map(customerEntityKey), [SEGMENTS_FEATURE]);
  const memberships = new Map<string, OnlineMembership>();
  for (const customerId of customerIds) {
    const value = stored.get(customerEntityKey(customerId))?.get(SEGMENTS_FEATURE);
    if (value && Array.isArray(value.value)) memberships.set(customerId, { segments: [...value.value], eventTime: value.eventTime });
  }
  return memberships;
}

/**
 * A customer's marketing consent online, for the real-time path: true when their newest choice
 * refuses advertising. Written by the daily run from the consent snapshot with the choice's own
 * event time; absent when the customer never chose (which lets them in, as in the batch).
 */
export const CONSENT_FEATURE = 'marketing_opted_out';

export function consentRow(customerId: string, optedOut: boolean, decidedAt: number): FeatureRow {
  return { entityKey: customerEntityKey(customerId), eventTime: decidedAt, features: { [CONSENT_FEATURE]: optedOut } };
}
