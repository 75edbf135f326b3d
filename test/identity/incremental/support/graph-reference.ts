import { stitchGraph, type StitchGraph } from '../../../../src/identity/graph/stitch-graph';
import { typeRoles } from '../../../../src/identity/graph/type-roles';
import { identifierKey, type Identifier } from '../../../../src/identity/identifier';
import { normalizeIdentifier } from '../../../../src/identity/identifier-normalization';
import type { IdentityRecord } from '../../../../src/identity/incremental/identity-record';
import { compareText, type CompiledRules } from '../../../../src/identity/rules/identity-rules';

/** A partition as comparable text: each part's sorted identifier keys, parts sorted. */
export function partitionText(parts: Iterable<Iterable<string>>): string[] {
  return [...parts].map((part) => [...part].sort().join(' | ')).sort();
}

interface Sighting {
  t: number;
  source: string;
  recordId: string;
  pos: number;
}

function compareSightings(a: Sighting, b: Sighting): number {
  return a.t - b.t || compareText(a.source, b.source) || compareText(a.recordId, b.recordId) || a.pos - b.pos;
}

/**
 * Batch stitching of the records as src/identity/batch hands them to the graph stitcher (the SQL of
 * record-identifiers.sql.ts and graph-tables.sql.ts, written out in TypeScript): identifiers
 * normalized and ordered by type priority, nodes numbered in seed order, one edge per linked pair
 * from the record's anchor (its strongest identifier), edges in the order of their first sighting;
 * then stitchGraph, the union-find batch stitching runs. Returns the partition of identifier keys.
 */
export function batchPartition(records: readonly IdentityRecord[], rules: CompiledRules): string[] {
  const firstSeen = new Map<string, { identifier: Identifier; t: number }>();
  const lists = records.map((record) => {
    const ids: Identifier[] = [];
    for (const raw of record.identifiers) {
      const value = normalizeIdentifier(raw.type, raw.value, rules.blocklist);
      if (value !== null) ids.push({ type: raw.type, value });
    }
    ids.sort((a, b) => rules.rank(a.type) - rules.rank(b.type) || compareText(a.type, b.type));
    for (const identifier of ids) {
      const key = identifierKey(identifier);
      const seen = firstSeen.get(key);
      if (!seen || record.time < seen.t) firstSeen.set(key, { identifier, t: record.time });
    }
    return { record, ids };
  });
  const ordered = [...firstSeen.entries()].sort(
    ([, a], [, b]) => a.t - b.t || rules.rank(a.identifier.type) - rules.rank(b.identifier.type) || compareText(a.identifier.type, b.identifier.type) || compareText(a.identifier.value, b.identifier.value),
  );
  const nodeOf = new Map(ordered.map(([key], node) => [key, node]));
  const typeNames = [...new Set(ordered.map(([, { identifier }]) => identifier.type))].sort((a, b) => rules.compare({ type: a, value: '' }, { type: b, value: '' }));

  const pairs = new Map<string, { lo: number; hi: number; first: Sighting }>();
  for (const { record, ids } of lists) {
    const [anchor, ...others] = ids;
    if (anchor === undefined) continue;
    others.forEach((other, index) => {
      const a = nodeOf.get(identifierKey(anchor)) as number;
      const b = nodeOf.get(identifierKey(other)) as number;
      if (a === b) return;
      const [lo, hi] = a < b ? [a, b] : [b, a];
      const sighting = { t: record.time, source: record.source, recordId: record.recordId, pos: index + 1 };
      const pair = pairs.get(`${lo},${hi}`);
      if (!pair || compareSightings(sighting, pair.first) < 0) pairs.set(`${lo},${hi}`, { lo, hi, first: sighting });
    });
  }
  const edges = [...pairs.values()].sort((a, b) => compareSightings(a.first, b.first) || a.lo - b.lo || a.hi - b.hi);

  const graph: StitchGraph = {
    nodeCount: ordered.length,
    typeOf: Uint8Array.from(ordered, ([, { identifier }]) => typeNames.indexOf(identifier.type)),
    roles: typeRoles(typeNames, rules),
    inLake: new Uint8Array(ordered.length).fill(1),
    previousOf: new Int32Array(ordered.length).fill(-1),
    previousCount: 0,
    edgeCount: edges.length,
    edgeA: Int32Array.from(edges, (edge) => edge.lo),
    edgeB: Int32Array.from(edges, (edge) => edge.hi),
    separations: new Map(),
  };
  const { rootOf } = stitchGraph(graph);
  const parts = new Map<number, string[]>();
  ordered.forEach(([key], node) => parts.set(rootOf[node] as number, [...(parts.get(rootOf[node] as number) ?? []), key]));
  return partitionText(parts.values());
}
