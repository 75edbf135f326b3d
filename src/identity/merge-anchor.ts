import { identifierKey, type Identifier } from './identifier';
import type { IdentityStore, MergeRecord } from './identity-store.port';
import type { CompiledRules } from './rules/identity-rules';

/**
 * Where a merged-away customer's id must lead: to the customer holding its anchor. The batch stitch
 * reads the same rule in SQL (merge_anchors, anchor_nodes: GraphTables, OutputTables.touchedSql).
 */

/** Keys of what merges into `customerId` brought it, from its merge history (mergesOf). */
export function absorbedKeys(history: readonly MergeRecord[], customerId: string): Set<string> {
  return new Set(history.filter((merge) => merge.into === customerId).flatMap((merge) => merge.identifiers.map(identifierKey)));
}

/**
 * A customer's anchor: what its latest merge that brought anything brought of its own, leaving out
 * what merges into it had brought it (a survivor's merge carries along what it absorbed). When that
 * merge brought only what it had absorbed (the lake had given its own identifiers to others, and it
 * followed its strongest identifier, an absorbed one), what of that merges into it had brought it
 * that no person un-merged (`unmerged`: the merges separations undo): its id went where that went,
 * unless a person said the two are not one. Merges a batch undid still count, so that a batch's
 * own re-points and revivals never change an anchor the next run reads. Empty when none of this
 * is left: its seed stands in then.
 */
export function anchorOf(history: readonly MergeRecord[], customerId: string, unmerged: ReadonlySet<string>): Identifier[] {
  const latest = history
    .filter((merge) => merge.from === customerId && merge.identifiers.length > 0)
    .sort((a, b) => b.at - a.at || (b.mergeId < a.mergeId ? -1 : b.mergeId > a.mergeId ? 1 : 0))[0];
  if (!latest) return [];
  const absorbed = absorbedKeys(history, customerId);
  const own = latest.identifiers.filter((identifier) => !absorbed.has(identifierKey(identifier)));
  if (own.length > 0) return own;
  const kept = absorbedKeys(
    history.filter((merge) => !unmerged.has(merge.mergeId)),
    customerId,
  );
  return latest.identifiers.filter((identifier) => kept.has(identifierKey(identifier)));
}

/** The merges a person un-merged: those the store's separations undo. */
export async function unmergedMerges(store: Pick<IdentityStore, 'separations'>): Promise<Set<string>> {
  return new Set((await store.separations()).map((separation) => separation.mergeId));
}

/**
 * The one customer holding every identifier of the strongest type among those of `anchor` that
 * anyone holds, once the identifiers `moved` (identifier key → new holder) have moved: a change
 * being planned; undefined when they are split between customers, or nobody holds any.
 */
export async function soleHolder(store: IdentityStore, rules: CompiledRules, anchor: readonly Identifier[], moved: ReadonlyMap<string, string> = new Map()): Promise<string | undefined> {
  if (anchor.length === 0) return undefined;
  const holders = await store.lookup(anchor);
  const holderOf = (identifier: Identifier) => moved.get(identifierKey(identifier)) ?? holders.get(identifierKey(identifier));
  const held = anchor.filter((identifier) => holderOf(identifier) !== undefined).sort((a, b) => rules.compare(a, b));
  const strongest = new Set(held.filter((identifier) => identifier.type === held[0]?.type).map(holderOf));
  return strongest.size === 1 ? [...strongest][0] : undefined;
}
