import type { StitchedComponents, StitchGraph } from './stitch-graph';

export interface CustomerAssignment {
  /** The customer of each node when it keeps an existing id: the previous customer's number, else -1. */
  finalPrevious: Int32Array;
  /** Otherwise the seed node its new id derives from (customerIdFor; the lake engine picks the attempt). */
  finalSeed: Int32Array;
  /** Previous customers merged away: [from, into, cause edge] triples (cause -1 when unknown). */
  merges: Int32Array;
  newCustomers: number;
  keptCustomers: number;
}

/** Previous customers' nodes, grouped by customer (CSR layout: nodes of p are nodes[start[p]..start[p+1])). */
function nodesByPrevious(graph: StitchGraph): { start: Int32Array; nodes: Int32Array } {
  const start = new Int32Array(graph.previousCount + 1);
  for (let node = 0; node < graph.nodeCount; node++) {
    if (graph.previousOf[node] >= 0) start[graph.previousOf[node] + 1]++;
  }
  for (let p = 0; p < graph.previousCount; p++) start[p + 1] += start[p];
  const fill = start.slice(0, graph.previousCount);
  const nodes = new Int32Array(start[graph.previousCount]);
  for (let node = 0; node < graph.nodeCount; node++) {
    if (graph.previousOf[node] >= 0) nodes[fill[graph.previousOf[node]]++] = node;
  }
  return { start, nodes };
}

/**
 * The component each previous customer continues in: the one holding its strongest identifier (type
 * codes follow priority, so an account's customer follows its user_id: its id is the account's,
 * and goes to no other account when the lake splits it), then the one holding most of its
 * identifiers of that type, then the one holding the earliest. Identifiers only the store knows
 * count too: they were linked to the customer before the lake's links (storeOnlyLinks).
 */
function chooseComponents(graph: StitchGraph, rootOf: Int32Array): Int32Array {
  const { start, nodes } = nodesByPrevious(graph);
  const chosen = new Int32Array(graph.previousCount).fill(-1);
  const tally = new Map<number, number>();
  for (let p = 0; p < graph.previousCount; p++) {
    if (start[p] === start[p + 1]) continue;
    let strongest = 256;
    for (let index = start[p]; index < start[p + 1]; index++) strongest = Math.min(strongest, graph.typeOf[nodes[index]]);
    tally.clear();
    let best = -1;
    let bestCount = 0;
    // Nodes ascend, so the first root to reach a count is the one holding the earlier identifier.
    for (let index = start[p]; index < start[p + 1]; index++) {
      if (graph.typeOf[nodes[index]] !== strongest) continue;
      const root = rootOf[nodes[index]];
      const count = (tally.get(root) ?? 0) + 1;
      tally.set(root, count);
      if (count > bestCount) {
        best = root;
        bestCount = count;
      }
    }
    chosen[p] = best;
  }
  return chosen;
}

/**
 * Customer ids for the stitched components, stable across runs: a component keeps the id of the
 * oldest previous customer that continues in it (previous customers are numbered oldest first);
 * the others continuing there are merged into it. A component no previous customer continues in is
 * a new customer, named after its seed — its smallest node, nodes being numbered in seed order (a
 * store-only identifier a cap kept from its customer is such a component on its own).
 */
export function assignCustomers(graph: StitchGraph, components: StitchedComponents): CustomerAssignment {
  const { rootOf } = components;
  const chosen = chooseComponents(graph, rootOf);
  const survivorOf = new Int32Array(graph.nodeCount).fill(-1);
  const mergedInto = new Int32Array(graph.previousCount).fill(-1);
  let keptCustomers = 0;
  for (let p = 0; p < graph.previousCount; p++) {
    const root = chosen[p];
    if (root < 0) continue;
    if (survivorOf[root] < 0) {
      survivorOf[root] = p;
      keptCustomers++;
    } else mergedInto[p] = survivorOf[root];
  }
  const seedOf = new Int32Array(graph.nodeCount).fill(-1);
  for (let node = 0; node < graph.nodeCount; node++) {
    if (seedOf[rootOf[node]] < 0) seedOf[rootOf[node]] = node;
  }

  const finalPrevious = new Int32Array(graph.nodeCount).fill(-1);
  const finalSeed = new Int32Array(graph.nodeCount).fill(-1);
  let newCustomers = 0;
  for (let node = 0; node < graph.nodeCount; node++) {
    const root = rootOf[node];
    if (survivorOf[root] >= 0) {
      finalPrevious[node] = survivorOf[root];
      continue;
    }
    const seed = seedOf[root];
    finalSeed[node] = seed;
    if (seed === node) newCustomers++;
  }
  return { finalPrevious, finalSeed, merges: mergeCauses(graph, components, chosen, mergedInto), newCustomers, keptCustomers };
}

/** Each merged customer's cause: the first link that joined it to an older customer inside the component it continues in. */
function mergeCauses(graph: StitchGraph, components: StitchedComponents, chosen: Int32Array, mergedInto: Int32Array): Int32Array {
  const cause = new Int32Array(graph.previousCount).fill(-1);
  const joins = components.previousJoins;
  for (let index = 0; index < joins.length; index += 3) {
    const [edge, , younger] = [joins[index], joins[index + 1], joins[index + 2]];
    if (mergedInto[younger] >= 0 && cause[younger] < 0 && components.rootOf[graph.edgeA[edge]] === chosen[younger]) cause[younger] = edge;
  }
  const merges: number[] = [];
  for (let p = 0; p < graph.previousCount; p++) if (mergedInto[p] >= 0) merges.push(p, mergedInto[p], cause[p]);
  return Int32Array.from(merges);
}
