import { ConstrainedUnionFind, LinkOutcome, type TypeRoles } from './constrained-union-find';
import { GrowableInt32 } from './growable-int32';
import { attachStoreOnly } from './attach-store-only';
import { chooseComponents } from './choose-components';

/**
 * The identity graph as batch stitching hands it over: nodes are numbered in seed order (first seen,
 * then type priority, then value), edges are applied in `order` (first seen, then the record, then
 * the type priority within the record), as integer arrays. Refused links and joins name edges by
 * their index.
 */
export interface StitchGraph {
  nodeCount: number;
  /** Type code of each node; its cap and role are roles.caps[code] and roles.personal[code]. */
  typeOf: Uint8Array;
  roles: TypeRoles;
  /** Whether the node was seen in the lake (false: known only from the identity store, see attachStoreOnly). */
  inLake: Uint8Array;
  /** The previous customer of each node, numbered oldest first; -1 for identifiers new to this run. */
  previousOf: Int32Array;
  previousCount: number;
  edgeCount: number;
  edgeA: Int32Array;
  edgeB: Int32Array;
  /** Edge indices in the order links are applied (see linkOrder); without it, index order. */
  order?: Int32Array;
  /** node → separation tokens (2·separation + side) of un-merges it takes part in. */
  separations: ReadonlyMap<number, readonly number[]>;
  /** Links of the stream's merges no record of the lake shows yet (a[i] with b[i]), applied after the lake's, in this order. */
  pendingLinks?: { a: Int32Array; b: Int32Array };
}

export interface StitchedComponents {
  /** The component (root node) of every node. */
  rootOf: Int32Array;
  /** Refused links: edge index, outcome (CAPPED, SEPARATED or INDIRECT) and, for CAPPED, the type code that hit its cap. */
  refusedEdges: Int32Array;
  refusedOutcomes: Uint8Array;
  refusedTypes: Int16Array;
  /** Previous customers joined by a link: [edge index, older, younger] triples, in link order. */
  previousJoins: Int32Array;
  /** Store-only identifiers a cap or separation kept from their customer (see attachStoreOnly): a customer of their own now. */
  storeOnlyRefused: number;
  /** Pending stream links a cap or separation refused. */
  pendingRefused: number;
  /** The component (root) each previous customer continues in, -1 for none (see chooseComponents). */
  chosen: Int32Array;
}

/**
 * Applies every link of the lake in order, then what the store knows and the lake does not show yet:
 * the stream's pending links, then, once each previous customer has chosen the component it continues
 * in (chooseComponents), the identifiers only the store knows (attachStoreOnly); all with the rules
 * of ConstrainedUnionFind. The store's knowledge comes last, as if the stream's records came after
 * the lake's: first, a stream-learned account would make the rule on links naming no account refuse
 * lake links made before it. While linking the lake, it notes each link that joins identifiers of two
 * different previous customers (each component remembers its oldest previous customer), which is
 * where a merge of existing customers comes from.
 */
export function stitchGraph(graph: StitchGraph): StitchedComponents {
  const unionFind = new ConstrainedUnionFind(graph.nodeCount, graph.typeOf, graph.roles, graph.separations);
  const oldestPrevious = Int32Array.from(graph.previousOf);
  const refusedEdges = new GrowableInt32();
  const refusedOutcomes: number[] = [];
  const refusedTypes: number[] = [];
  const previousJoins = new GrowableInt32();
  let edge = -1;
  const onJoin = (kept: number, absorbed: number) => {
    const a = oldestPrevious[kept];
    const b = oldestPrevious[absorbed];
    // Only a lake link is a merge's cause; the store's links name no edge.
    if (edge >= 0 && a >= 0 && b >= 0 && a !== b) previousJoins.push(edge, Math.min(a, b), Math.max(a, b));
    oldestPrevious[kept] = a < 0 ? b : b < 0 ? a : Math.min(a, b);
  };
  const order = graph.order;
  for (let step = 0; step < graph.edgeCount; step++) {
    edge = order ? order[step] : step;
    const outcome = unionFind.link(graph.edgeA[edge], graph.edgeB[edge], onJoin);
    if (outcome !== LinkOutcome.LINKED && outcome !== LinkOutcome.ALREADY_LINKED) {
      refusedEdges.push(edge);
      refusedOutcomes.push(outcome);
      refusedTypes.push(outcome === LinkOutcome.CAPPED ? unionFind.refusedType : -1);
    }
  }
  edge = -1;
  let pendingRefused = 0;
  const { a: pendingA, b: pendingB } = graph.pendingLinks ?? { a: new Int32Array(0), b: new Int32Array(0) };
  for (let index = 0; index < pendingA.length; index++) {
    const outcome = unionFind.linkStored(pendingA[index], pendingB[index], onJoin);
    if (outcome !== LinkOutcome.LINKED && outcome !== LinkOutcome.ALREADY_LINKED) pendingRefused++;
  }
  const chosen = chooseComponents(graph, unionFind);
  const storeOnlyRefused = attachStoreOnly(graph, { find: (node) => unionFind.find(node), linkStored: (a, b) => unionFind.linkStored(a, b, onJoin) }, chosen);
  const rootOf = new Int32Array(graph.nodeCount);
  for (let node = 0; node < graph.nodeCount; node++) rootOf[node] = unionFind.find(node);
  return {
    rootOf,
    refusedEdges: refusedEdges.toArray(),
    refusedOutcomes: Uint8Array.from(refusedOutcomes),
    refusedTypes: Int16Array.from(refusedTypes),
    previousJoins: previousJoins.toArray(),
    storeOnlyRefused,
    pendingRefused,
    chosen,
  };
}
