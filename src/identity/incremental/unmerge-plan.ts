import { createHash } from 'node:crypto';
import { DomainError } from '../../shared/domain-error';
import { identifierKey, type Identifier } from '../identifier';
import { emptyChanges, type IdentityChanges, type IdentityStore, type MergeRecord, type StoredCustomer } from '../identity-store.port';
import { absorbedKeys, anchorOf, soleHolder, unmergedMerges } from '../merge-anchor';
import { mergeIdNow } from '../merge-id';
import type { CompiledRules } from '../rules/identity-rules';
import { followAnchors } from './follow-anchors';

export interface UnmergeResult {
  mergeId: string;
  /** The customer given back its identifiers. */
  restoredCustomerId: string;
  /** The customer that held them until now. */
  survivorId: string;
  /** Identifiers moved back (those the survivor still held). */
  restored: number;
  separationId: string;
  /**
   * Set when the survivor held nothing else: it is merged into this customer, the one holding its
   * seed or else most of its own former identifiers (successorOf), so that no live customer is left empty.
   */
  survivorRetiredInto: string | null;
  /** Customers merged away whose anchor the un-merge moved, re-pointed to its holder (followAnchors). */
  repointedCustomers: string[];
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
export async function planUnmerge(store: IdentityStore, rules: CompiledRules, mergeId: string, now: number, via: MergeRecord['via'] = 'manual'): Promise<{ changes: IdentityChanges; result: UnmergeResult }> {
  const merge = await store.merge(mergeId);
  if (!merge) throw new DomainError('NOT_FOUND', `no merge ${mergeId}`);
  if (merge.undoneAt !== null) throw new DomainError('CONFLICT', `merge ${mergeId} was already undone`);
  if (merge.identifiers.length === 0) throw new DomainError('CONFLICT', `merge ${mergeId} retired a customer left with no identifiers; it brought nothing to give back`);
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
  // Anchors read as once this merge is un-merged: what it brought is no longer the survivor's.
  const unmerged = (await unmergedMerges(store)).add(mergeId);
  const updatedAt = (customer: StoredCustomer) => Math.max(now, customer.updatedAt + 1);
  const remaining: Identifier[] = survivor.identities.filter((identifier) => !restoredKeys.has(identifierKey(identifier)));
  // The other side is what the survivor held before the merge and holds still. What joined it since
  // may have come through the merged customer's identifiers: it stays with the survivor (the stream
  // never moves an identifier between customers), but is not kept apart for good: the next batch
  // stitch places it by the lake's records. A merge recorded without it keeps everything remaining apart.
  const heldBefore = merge.intoIdentifiers === undefined ? undefined : new Set(merge.intoIdentifiers.map(identifierKey));

  // A survivor that held nothing but what the merge brought (a batch since gave its own identifiers
  // to another customer) would be live and empty: it follows its own identifiers instead.
  const successor = remaining.length === 0 ? await successorOf(store, rules, merge, survivor, from.customerId, unmerged) : undefined;
  // Its side of the separation is then what it held before that the successor holds now: an empty
  // side would keep nothing apart.
  const otherSide = [...remaining, ...(successor?.identities ?? [])];
  const keptApart = heldBefore ? otherSide.filter((identifier) => heldBefore.has(identifierKey(identifier))) : remaining;

  // Lineages are worked out by followAnchors, from the pointers as the un-merge leaves them.
  const drafted: StoredCustomer[] = [{ ...from, identities: [...restored].sort((a, b) => rules.compare(a, b)), mergedInto: null, updatedAt: updatedAt(from) }];
  for (const customer of chain) {
    drafted.push({
      ...customer,
      identities: customer === survivor ? remaining : customer.identities,
      mergedInto: customer === survivor && successor ? successor.customerId : customer.mergedInto,
      updatedAt: updatedAt(customer),
    });
  }
  const merges: MergeRecord[] = [{ ...merge, undoneAt: now }];
  if (successor) {
    drafted.push({ ...successor, updatedAt: updatedAt(successor) });
    merges.push({ mergeId: await mergeIdNow(store, survivor.customerId, successor.customerId), into: successor.customerId, from: survivor.customerId, at: now, via, cause: null, identifiers: [], intoIdentifiers: successor.identities, undoneAt: null });
  }
  const followed = await followAnchors(store, rules, {
    customers: new Map(drafted.map((customer) => [customer.customerId, customer])),
    movable: new Set([survivor.customerId, ...survivor.mergedFrom]),
    moved: new Map(restored.map((identifier) => [identifierKey(identifier), from.customerId])),
    decided: new Set([from.customerId, survivor.customerId]),
    unmerged,
    now,
    via,
  });
  const separationId = separationIdFor(mergeId);
  const changes: IdentityChanges = {
    ...emptyChanges(),
    assign: restored.map((identifier) => ({ identifier, customerId: from.customerId })),
    customers: followed.customers,
    merges: [...merges, ...followed.merges],
    separations: [{ separationId, mergeId, at: now, sides: [restored, keptApart] }],
    expected: restored.map((identifier) => ({ identifier, customerId: survivor.customerId })),
    expectedCustomers: [from, ...chain, ...(successor ? [successor] : []), ...followed.expected].map((customer) => ({ customerId: customer.customerId, updatedAt: customer.updatedAt })),
  };
  const result = { mergeId, restoredCustomerId: from.customerId, survivorId: survivor.customerId, restored: restored.length, separationId, survivorRetiredInto: successor?.customerId ?? null, repointedCustomers: followed.repointed };
  return { changes, result };
}

/**
 * Where the survivor's lookups lead once it holds nothing: first, the customer holding all of its
 * anchor (merge-anchor.ts) if it was ever merged away; else the live customer holding its seed, the
 * identifier it was founded on; failing that (the rules blocked it since), for the merge's own
 * survivor, the one holding most of what it held before the merge, leaving out what other merges
 * into it brought (an earlier un-merge may have given those back: that customer was kept apart from
 * it). Never the survivor or the restored customer. Without one the un-merge is refused: the
 * survivor would lead nowhere.
 */
async function successorOf(store: IdentityStore, rules: CompiledRules, merge: MergeRecord, survivor: StoredCustomer, restoredId: string, unmerged: ReadonlySet<string>): Promise<StoredCustomer> {
  const history = await store.mergesOf(survivor.customerId);
  const usable = (holder: string | undefined): holder is string => holder !== undefined && holder !== survivor.customerId && holder !== restoredId;
  // A survivor merged away before (and un-merged since) leads where the batch would lead it: to the one holding all of its anchor.
  const anchorHolder = await soleHolder(store, rules, anchorOf(history, survivor.customerId, unmerged));
  if (anchorHolder !== undefined) {
    const successor = usable(anchorHolder) ? (await store.customers([anchorHolder])).get(anchorHolder) : undefined;
    if (successor && successor.mergedInto === null) return successor;
  }
  const brought = absorbedKeys(history, survivor.customerId);
  // What the merge's survivor held before is another customer's when a later merge carried it on.
  const heldBefore = survivor.customerId === merge.into ? (merge.intoIdentifiers ?? []) : [];
  const own = heldBefore.filter((identifier) => !brought.has(identifierKey(identifier)));
  const holders = await store.lookup([survivor.seed, ...own]);
  let best = holders.get(identifierKey(survivor.seed));
  if (!usable(best)) {
    const tally = new Map<string, number>();
    for (const identifier of own) {
      const holder = holders.get(identifierKey(identifier));
      if (usable(holder)) tally.set(holder, (tally.get(holder) ?? 0) + 1);
    }
    best = undefined;
    // Ties go to the holder of the identifier listed first (strongest type first).
    for (const [holder, count] of tally) if (best === undefined || count > (tally.get(best) ?? 0)) best = holder;
  }
  const successor = best === undefined ? undefined : (await store.customers([best])).get(best);
  if (!successor || successor.mergedInto !== null) {
    throw new DomainError('CONFLICT', `customer ${survivor.customerId} holds only what merge ${merge.mergeId} brought, and no other customer holds what it held before: undoing the merge would leave it with no identifiers`);
  }
  return successor;
}
