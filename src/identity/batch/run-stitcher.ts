import { assignCustomers } from '../graph/assign-customers';
import { LinkOutcome, type TypeRoles } from '../graph/constrained-union-find';
import { linkOrder } from '../graph/link-order';
import { mergeCounterparts } from '../graph/merge-counterparts';
import { stitchGraph, type StitchGraph } from '../graph/stitch-graph';

/** The graph as the lake engine numbered it: nodes and edges as typed-array columns (see GraphTables' column queries). */
export interface StitcherInput {
  nodes: { typeCode: Int32Array; inLake: Int32Array; previousOf: Int32Array };
  edges: { a: Int32Array; b: Int32Array; firstTime: Float64Array; firstPlace: Float64Array };
  separations: { nodes: Int32Array; tokens: Int32Array };
  /** The stream's merges the lake has no record of yet, as links (see GraphTables.pendingLinksSql). */
  pendingLinks: { a: Int32Array; b: Int32Array };
  previousCustomers: number;
}

/** The stitcher's answer: the integer tables the lake engine reads back, keyed by table name, each a list of (column name, values). */
export interface StitcherAnswer {
  /** In node order: the lake engine pairs row i with node i. */
  assigned: ReadonlyArray<readonly [string, Int32Array]>;
  refused: ReadonlyArray<readonly [string, Int32Array]>;
  merges: ReadonlyArray<readonly [string, Int32Array]>;
  /** Each merge's counterparts: the previous customers its cause link joined it with (mergeCounterparts). */
  merge_counterparts: ReadonlyArray<readonly [string, Int32Array]>;
}

export interface StitcherResult {
  answer: StitcherAnswer;
  newCustomers: number;
  keptCustomers: number;
  mergedCustomers: number;
  /** Refused links by type code (CAPPED), separated links and indirect ones. */
  cappedByType: Map<number, number>;
  separated: number;
  indirect: number;
  /** Store-only identifiers kept from their customer (see attachStoreOnly). */
  storeOnlyRefused: number;
  /** Pending stream links refused (see StitchGraph.pendingLinks). */
  pendingRefused: number;
}

/** The in-process half of a batch stitch: links the graph the lake engine numbered with the rules and gives every node its customer. */
export function runStitcher(input: StitcherInput, roles: TypeRoles): StitcherResult {
  const separations = new Map<number, number[]>();
  input.separations.nodes.forEach((node, index) => separations.set(node, [...(separations.get(node) ?? []), input.separations.tokens[index]]));
  const nodeCount = input.nodes.typeCode.length;
  const edgeCount = input.edges.a.length;
  const graph: StitchGraph = {
    nodeCount,
    typeOf: Uint8Array.from(input.nodes.typeCode),
    roles,
    inLake: Uint8Array.from(input.nodes.inLake),
    previousOf: input.nodes.previousOf,
    previousCount: input.previousCustomers,
    edgeCount,
    edgeA: input.edges.a,
    edgeB: input.edges.b,
    separations,
    pendingLinks: input.pendingLinks,
  };
  graph.order = linkOrder(input.edges.firstTime, input.edges.firstPlace, input.edges.a, input.edges.b);

  const components = stitchGraph(graph);
  const assignment = assignCustomers(graph, components);
  const merges = assignment.merges;
  const mergeCount = merges.length / 3;
  const counterparts = mergeCounterparts(components.previousJoins, merges, components.chosen);
  const mergeColumn = (offset: number) => Int32Array.from({ length: mergeCount }, (_, index) => merges[3 * index + offset]);
  const answer: StitcherAnswer = {
    assigned: [
      ['final_previous', assignment.finalPrevious],
      ['final_seed', assignment.finalSeed],
    ],
    refused: [
      ['edge', components.refusedEdges],
      ['outcome', Int32Array.from(components.refusedOutcomes)],
      ['type_code', Int32Array.from(components.refusedTypes)],
    ],
    merges: [
      ['from_index', mergeColumn(0)],
      ['into_index', mergeColumn(1)],
      ['edge', mergeColumn(2)],
    ],
    merge_counterparts: [
      ['from_index', counterparts.from],
      ['member_index', counterparts.member],
    ],
  };

  const cappedByType = new Map<number, number>();
  let separated = 0;
  let indirect = 0;
  components.refusedOutcomes.forEach((outcome, index) => {
    if (outcome === LinkOutcome.SEPARATED) separated++;
    else if (outcome === LinkOutcome.INDIRECT) indirect++;
    else cappedByType.set(components.refusedTypes[index], (cappedByType.get(components.refusedTypes[index]) ?? 0) + 1);
  });
  return {
    answer,
    newCustomers: assignment.newCustomers,
    keptCustomers: assignment.keptCustomers,
    mergedCustomers: mergeCount,
    cappedByType,
    separated,
    indirect,
    storeOnlyRefused: components.storeOnlyRefused,
    pendingRefused: components.pendingRefused,
  };
}
