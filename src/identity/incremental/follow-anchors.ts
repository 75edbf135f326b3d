import type { IdentityStore, MergeRecord, StoredCustomer } from '../identity-store.port';
import { anchorOf, soleHolder } from '../merge-anchor';
import { mergeIdNow } from '../merge-id';
import { compareText, type CompiledRules } from '../rules/identity-rules';

/** An un-merge as drafted, before the customers merged into its survivor are looked at. */
export interface UnmergeDraft {
  /** The customers the draft writes, as it leaves them (lineages are worked out again here). */
  customers: ReadonlyMap<string, StoredCustomer>;
  /** Every customer whose merges led to the survivor before: the lineages the un-merge can change. */
  movable: ReadonlySet<string>;
  /** Identifiers the draft gives another customer: identifier key → new holder. */
  moved: ReadonlyMap<string, string>;
  /** Customers whose pointer the un-merge itself decided (the restored one, the survivor): never re-pointed here. */
  decided: ReadonlySet<string>;
  /** The merges people un-merged, this one included: anchors read as once the un-merge is made (anchorOf). */
  unmerged: ReadonlySet<string>;
  now: number;
  via: MergeRecord['via'];
}

export interface FollowedAnchors {
  /** Every customer to write: the draft's, and any other whose pointer or lineage changed. */
  customers: StoredCustomer[];
  /** Merges the re-points undo, and the merges into the anchors' holders that replace them. */
  merges: MergeRecord[];
  /** Customers read here, beside the draft's, as they were read: the change expects them unchanged. */
  expected: StoredCustomer[];
  /** The customers re-pointed, in the order they were decided. */
  repointed: string[];
}

const MAX_CHAIN = 32;

/**
 * A merged-away customer's id leads to the customer holding its anchor (merge-anchor.ts), as every
 * batch leaves it. An un-merge moves identifiers, and with them anchors: a customer merged into the
 * survivor whose anchor went back to the restored customer is re-pointed there, and one that follows
 * the restored customer whose anchor stayed with the survivor is re-pointed to the survivor's live
 * end; one whose anchor was what the undone merge had brought it goes back to its seed's holder.
 * Chains are decided from their live ends down, as the batch does, and every lineage the
 * pointers pass through is written again. Without this, such an id led to a customer that no
 * longer held its anchor until the next batch re-pointed it.
 */
export async function followAnchors(store: IdentityStore, rules: CompiledRules, draft: UnmergeDraft): Promise<FollowedAnchors> {
  const read = new Map<string, StoredCustomer>();
  const others = [...draft.movable].filter((id) => !draft.customers.has(id));
  for (const [id, customer] of await store.customers(others)) read.set(id, customer);
  const current = (id: string): StoredCustomer | undefined => draft.customers.get(id) ?? read.get(id);
  const pointer = new Map<string, string | null>();
  for (const id of [...draft.customers.keys(), ...read.keys()]) pointer.set(id, current(id)?.mergedInto ?? null);

  const chainOf = (id: string): string[] => {
    const chain = [id];
    for (let at = pointer.get(id); at && chain.length <= MAX_CHAIN && !chain.includes(at); at = pointer.get(at)) chain.push(at);
    return chain;
  };
  const merges: MergeRecord[] = [];
  const repointed: string[] = [];
  const candidates = [...draft.movable].filter((id) => pointer.get(id) && !draft.decided.has(id)).sort((a, b) => chainOf(a).length - chainOf(b).length || compareText(a, b));
  for (const id of candidates) {
    const customer = current(id) as StoredCustomer;
    const chain = chainOf(id);
    const end = chain[chain.length - 1] as string;
    const history = await store.mergesOf(id);
    const anchor = anchorOf(history, id, draft.unmerged);
    const holder = await soleHolder(store, rules, anchor.length > 0 ? anchor : [customer.seed], draft.moved);
    if (holder === undefined || holder === end) continue;
    // Un-merging a merge into a customer merged away since can send its anchor back to its seed,
    // held by any customer: that one's lineage changes too. Never one the store records as merged.
    if (!pointer.has(holder)) {
      const outside = (await store.customers([holder])).get(holder);
      if (!outside || outside.mergedInto !== null) continue;
      read.set(holder, outside);
      pointer.set(holder, null);
    }
    if (pointer.get(holder) !== null) continue;
    const inForce = history.find((merge) => merge.from === id && merge.into === customer.mergedInto && merge.undoneAt === null);
    if (inForce) merges.push({ ...inForce, undoneAt: draft.now });
    // It holds nothing of its own by now: the merge brings nothing and has no cause, as the batch's re-points.
    merges.push({ mergeId: await mergeIdNow(store, id, holder), into: holder, from: id, at: draft.now, via: draft.via, cause: null, identifiers: [], intoIdentifiers: [], undoneAt: null });
    pointer.set(id, holder);
    repointed.push(id);
  }

  const involved = [...draft.customers.keys(), ...read.keys()];
  const passing = new Map<string, string[]>();
  for (const id of involved) {
    if (!draft.movable.has(id)) continue;
    for (const through of chainOf(id).slice(1)) passing.set(through, [...(passing.get(through) ?? []), id]);
  }
  const customers: StoredCustomer[] = [];
  const expected: StoredCustomer[] = [];
  for (const id of involved) {
    const customer = current(id) as StoredCustomer;
    const mergedFrom = [...new Set([...customer.mergedFrom.filter((from) => !draft.movable.has(from)), ...(passing.get(id) ?? [])])].sort(compareText);
    const mergedInto = pointer.get(id) ?? null;
    const fromDraft = draft.customers.has(id);
    if (!fromDraft && mergedInto === customer.mergedInto && sameList(mergedFrom, [...customer.mergedFrom].sort(compareText))) continue;
    customers.push({ ...customer, mergedInto, mergedFrom, updatedAt: fromDraft ? customer.updatedAt : Math.max(draft.now, customer.updatedAt + 1) });
    if (!fromDraft) expected.push(customer);
  }
  return { customers, merges, expected, repointed };
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index]);
}
