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

/**
 * Customer ids for the stitched components, stable across runs: a component keeps the id of the
 * oldest previous customer that continues in it (previous customers are numbered oldest first);
 * the others continuing there are merged into it. A component no previous customer continues in is
 * a new customer, named after its seed — its smallest node, nodes being numbered in seed order (a
 * store-only identifier a cap kept from its customer is such a component on its own). Which
 * component a previous customer continues in, stitchGraph chose (chooseComponents).
 */
export function assignCustomers(graph: StitchGraph, components: StitchedComponents): CustomerAssignment {
  const { rootOf, chosen } = components;
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
