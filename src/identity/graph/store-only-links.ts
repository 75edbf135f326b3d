import type { StitchGraph } from './stitch-graph';

/**
 * The links that keep identifiers only the identity store knows (the stream assigned them; no record
 * in the lake shows them yet) with their customer: each to its previous customer's anchor, as
 * [node, anchor] pairs, strongest type first, so that where a cap refuses some, the account's own
 * user_id is the one that got in.
 *
 * The anchor is the customer's strongest identifier the lake shows, the earliest of its type (the
 * one chooseComponents follows), else its strongest store-only one. Batch stitching applies these
 * before any link of the lake's: the stream linked them with a record the lake has not caught up
 * with, and the lake's own links then meet them under the same caps, instead of a store-only
 * user_id following its customer into a component that holds another account.
 */
export function storeOnlyLinks(graph: Pick<StitchGraph, 'nodeCount' | 'typeOf' | 'inLake' | 'previousOf' | 'previousCount'>): Int32Array {
  const { nodeCount, typeOf, inLake, previousOf } = graph;
  const anchor = new Int32Array(graph.previousCount).fill(-1);
  // Store-only nodes counted by type, then placed by type in node order (a counting sort: a daily
  // run on a lake that keeps fewer days than the store can have millions of them).
  const perType = new Int32Array(257);
  for (let node = 0; node < nodeCount; node++) {
    const previous = previousOf[node];
    if (previous < 0) continue;
    if (inLake[node] === 0) perType[typeOf[node] + 1]++;
    const current = anchor[previous];
    // Nodes ascend, so on a tie the earlier one stays.
    if (current < 0 || inLake[node] > inLake[current] || (inLake[node] === inLake[current] && typeOf[node] < typeOf[current])) anchor[previous] = node;
  }
  for (let type = 0; type < 256; type++) perType[type + 1] += perType[type];
  const storeOnly = new Int32Array(perType[256]);
  for (let node = 0; node < nodeCount; node++) if (previousOf[node] >= 0 && inLake[node] === 0) storeOnly[perType[typeOf[node]]++] = node;
  const pairs = new Int32Array(2 * storeOnly.length);
  let length = 0;
  for (const node of storeOnly) {
    const to = anchor[previousOf[node]];
    if (to === node) continue;
    pairs[length++] = node;
    pairs[length++] = to;
  }
  return pairs.subarray(0, length);
}
