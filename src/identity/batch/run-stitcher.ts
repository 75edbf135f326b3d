import { assignCustomers } from '../graph/assign-customers';
import { LinkOutcome, type TypeRoles } from '../graph/constrained-union-find';
import { linkOrder } from '../graph/link-order';
import { stitchGraph, type StitchGraph } from '../graph/stitch-graph';
import { readIntegerCsv, readNumberColumns, writeIntegerCsv } from './integer-csv';

export interface StitcherFiles {
  nodes: string;
  edges: string;
  separations: string;
  assigned: string;
  refused: string;
  merges: string;
}

export interface StitcherSizes {
  nodes: number;
  edges: number;
  separationRows: number;
  previousCustomers: number;
}

export interface StitcherResult {
  newCustomers: number;
  keptCustomers: number;
  mergedCustomers: number;
  /** Refused links by type code (CAPPED), separated links and indirect ones. */
  cappedByType: Map<number, number>;
  separated: number;
  indirect: number;
  ms: { load: number; stitch: number; write: number };
}

/**
 * The in-process half of a batch stitch: reads the graph the lake engine numbered, links it with
 * the rules, gives every node its customer and writes the answer back as integer files.
 */
export function runStitcher(files: StitcherFiles, sizes: StitcherSizes, roles: TypeRoles): StitcherResult {
  const started = performance.now();
  const [typeCode, inLake, previousOf] = readIntegerCsv(files.nodes, 3, sizes.nodes);
  const [edgeA, edgeB, firstTime, firstPlace] = readNumberColumns(files.edges, ['int32', 'int32', 'wide', 'wide'], sizes.edges) as [Int32Array, Int32Array, Float64Array, Float64Array];
  const [separationNodes, separationTokens] = readIntegerCsv(files.separations, 2, sizes.separationRows);
  const separations = new Map<number, number[]>();
  separationNodes.forEach((node, index) => separations.set(node, [...(separations.get(node) ?? []), separationTokens[index]]));
  const graph: StitchGraph = {
    nodeCount: sizes.nodes,
    typeOf: Uint8Array.from(typeCode),
    roles,
    inLake: Uint8Array.from(inLake),
    previousOf,
    previousCount: sizes.previousCustomers,
    edgeCount: sizes.edges,
    edgeA,
    edgeB,
    separations,
  };
  const loaded = performance.now();
  graph.order = linkOrder(firstTime, firstPlace, edgeA, edgeB);

  const components = stitchGraph(graph);
  const assignment = assignCustomers(graph, components);
  const stitched = performance.now();

  // In node order: the lake engine pairs row i with node i.
  writeIntegerCsv(files.assigned, [assignment.finalPrevious, assignment.finalSeed]);
  writeIntegerCsv(files.refused, [components.refusedEdges, components.refusedOutcomes, components.refusedTypes]);
  const merges = assignment.merges;
  const mergeCount = merges.length / 3;
  writeIntegerCsv(files.merges, [0, 1, 2].map((offset) => Int32Array.from({ length: mergeCount }, (_, index) => merges[3 * index + offset])));

  const cappedByType = new Map<number, number>();
  let separated = 0;
  let indirect = 0;
  components.refusedOutcomes.forEach((outcome, index) => {
    if (outcome === LinkOutcome.SEPARATED) separated++;
    else if (outcome === LinkOutcome.INDIRECT) indirect++;
    else cappedByType.set(components.refusedTypes[index], (cappedByType.get(components.refusedTypes[index]) ?? 0) + 1);
  });
  return {
    newCustomers: assignment.newCustomers,
    keptCustomers: assignment.keptCustomers,
    mergedCustomers: mergeCount,
    cappedByType,
    separated,
    indirect,
    ms: { load: loaded - started, stitch: stitched - loaded, write: performance.now() - stitched },
  };
}
