import { LinkOutcome } from './constrained-union-find';
import type { StitchGraph } from './stitch-graph';

/** What attaching needs of the linked graph (ConstrainedUnionFind). */
export interface StoredLinking {
  find(node: number): number;
  linkStored(a: number, b: number): LinkOutcome;
}

/**
 * Identifiers only the identity store knows (the stream assigned them; no record in the lake shows
 * them yet) join the component their customer continues in (`chosen`, by previous customer; updated
 * in place to the component's root afterwards), strongest type first, under the caps and
 * separations: a store-only user_id never joins a component holding another account. A customer that
 * chose none continues in its store-only identifiers, joined together. One the rules refuse is a
 * component of its own, a new customer. Returns how many were refused.
 *
 * They come after the lake's links, as if the stream's records came after the lake's: linking them
 * first would put a stream-learned account into a component before lake records that came earlier,
 * and the rule on links naming no account would then refuse those.
 */
export function attachStoreOnly(graph: StitchGraph, linking: StoredLinking, chosen: Int32Array): number {
  const { nodeCount, typeOf, inLake, previousOf } = graph;
  // Store-only nodes by type, then in node order: a counting sort (a daily run on a lake that keeps
  // fewer days than the store can have millions of them).
  const perType = new Int32Array(257);
  for (let node = 0; node < nodeCount; node++) if (previousOf[node] >= 0 && inLake[node] === 0) perType[typeOf[node] + 1]++;
  for (let type = 0; type < 256; type++) perType[type + 1] += perType[type];
  const storeOnly = new Int32Array(perType[256]);
  for (let node = 0; node < nodeCount; node++) if (previousOf[node] >= 0 && inLake[node] === 0) storeOnly[perType[typeOf[node]]++] = node;

  let refused = 0;
  for (const node of storeOnly) {
    const previous = previousOf[node];
    const target = chosen[previous];
    if (target < 0) {
      // The customer's strongest store-only identifier: what the rest of its store-only ones join.
      chosen[previous] = node;
      continue;
    }
    const outcome = linking.linkStored(node, target);
    if (outcome !== LinkOutcome.LINKED && outcome !== LinkOutcome.ALREADY_LINKED) refused++;
  }
  for (let p = 0; p < graph.previousCount; p++) if (chosen[p] >= 0) chosen[p] = linking.find(chosen[p]);
  return refused;
}
