import { createHash } from 'node:crypto';
import { DomainError } from '../../shared/domain-error';
import { identifierKey, type Identifier } from '../identifier';
import { emptyChanges, type IdentityChanges, type IdentityStore, type StoredCustomer } from '../identity-store.port';
import type { CompiledRules } from '../rules/identity-rules';

export interface UnmergeResult {
  mergeId: string;
  /** The customer given back its identifiers. */
  restoredCustomerId: string;
  /** The customer that held them until now. */
  survivorId: string;
  /** Identifiers moved back (those the survivor still held). */
  restored: number;
  separationId: string;
}

const MAX_CHAIN = 32;

/** An un-merge's separation id, derived from the merge: replaying the un-merge records it once. */
export function separationIdFor(mergeId: string): string {
  return `s_${createHash('sha256').update(mergeId, 'utf8').digest('hex').slice(0, 20)}`;
}

/**
 * The change that reverses merge `mergeId`: the identifiers the merged customer held when it was
 * merged (and the survivor still holds) are assigned back to it; it is active again; every customer
 * along the survivor chain forgets it (and what it had absorbed) in its lineage; the merge is marked
 * undone; and a separation keeps the two sides from merging again, in the stream and in batch.
 */
export async function planUnmerge(store: IdentityStore, rules: CompiledRules, mergeId: string, now: number): Promise<{ changes: IdentityChanges; result: UnmergeResult }> {
  const merge = await store.merge(mergeId);
  if (!merge) throw new DomainError('NOT_FOUND', `no merge ${mergeId}`);
  if (merge.undoneAt !== null) throw new DomainError('CONFLICT', `merge ${mergeId} was already undone`);
  const from = (await store.customers([merge.from])).get(merge.from);
  if (!from || from.mergedInto === null) throw new DomainError('CONFLICT', `customer ${merge.from} is no longer merged; nothing to undo`);

  // The survivor chain: merge.into, and whatever it was merged into since.
  const chain: StoredCustomer[] = [];
  for (let customerId: string | null = merge.into; customerId !== null && chain.length < MAX_CHAIN; ) {
    const customer: StoredCustomer | undefined = (await store.customers([customerId])).get(customerId);
    if (!customer) throw new DomainError('CONFLICT', `customer ${customerId} is missing; run identity stitching to repair the store`);
    chain.push(customer);
    customerId = customer.mergedInto;
  }
  const survivor = chain[chain.length - 1] as StoredCustomer;
  if (survivor.mergedInto !== null) throw new DomainError('CONFLICT', `the merges of ${merge.into} form a loop`);

  const assigned = await store.lookup(merge.identifiers);
  const restored = merge.identifiers.filter((identifier) => assigned.get(identifierKey(identifier)) === survivor.customerId);
  if (restored.length === 0) throw new DomainError('CONFLICT', `customer ${survivor.customerId} no longer holds what merge ${mergeId} brought; nothing to give back`);
  const restoredKeys = new Set(restored.map(identifierKey));
  const leaving = new Set([from.customerId, ...from.mergedFrom]);
  const updatedAt = (customer: StoredCustomer) => Math.max(now, customer.updatedAt + 1);
  const remaining: Identifier[] = survivor.identities.filter((identifier) => !restoredKeys.has(identifierKey(identifier)));
  // The other side is what the survivor held before the merge and holds still. What joined it since
  // may have come through the merged customer's identifiers: it stays with the survivor (the stream
  // never moves an identifier between customers), but is not kept apart for good: the next batch
  // stitch places it by the lake's records. A merge recorded without it keeps everything remaining apart.
  const heldBefore = merge.intoIdentifiers === undefined ? undefined : new Set(merge.intoIdentifiers.map(identifierKey));
  const keptApart = heldBefore ? remaining.filter((identifier) => heldBefore.has(identifierKey(identifier))) : remaining;

  const customers: StoredCustomer[] = [{ ...from, identities: [...restored].sort((a, b) => rules.compare(a, b)), mergedInto: null, updatedAt: updatedAt(from) }];
  for (const customer of chain) {
    customers.push({
      ...customer,
      identities: customer === survivor ? remaining : customer.identities,
      mergedFrom: customer.mergedFrom.filter((id) => !leaving.has(id)),
      updatedAt: updatedAt(customer),
    });
  }
  const separationId = separationIdFor(mergeId);
  const changes: IdentityChanges = {
    ...emptyChanges(),
    assign: restored.map((identifier) => ({ identifier, customerId: from.customerId })),
    customers,
    merges: [{ ...merge, undoneAt: now }],
    separations: [{ separationId, mergeId, at: now, sides: [restored, keptApart] }],
    expected: restored.map((identifier) => ({ identifier, customerId: survivor.customerId })),
    expectedCustomers: [from, ...chain].map((customer) => ({ customerId: customer.customerId, updatedAt: customer.updatedAt })),
  };
  return { changes, result: { mergeId, restoredCustomerId: from.customerId, survivorId: survivor.customerId, restored: restored.length, separationId } };
}
