import { existsSync } from 'node:fs';
import type { FunnelSpec } from '../../../src/funnels/funnel-definition';
import type { FunnelGroupStats } from '../../../src/funnels/funnel-stats';
import { LakeFunnelRunner, type EventCustomerSource } from '../../../src/funnels/lake-funnel-runner';
import { DUCKDB_DIALECT, type FunnelDialect } from '../../../src/funnels/sql/funnel-dialect';
import { identityMapFile } from '../../../src/funnels/sql/identity-map.sql';
import { stitchedClickstreamRelation, writeStitchedClickstream } from '../../../src/identity/events/stitched-clickstream';
import type { LakeEngine } from '../../../src/lake/lake-engine.port';
import type { LakeLayout } from '../../../src/lake/lake-layout';
import { assertSameStats } from './compare-stats';
import { loadReferenceData, type RefData } from './reference-data';
import { referenceFunnel } from './reference-funnel';

/** DuckDB functions with the portable range-join chain that Athena runs. */
export const RANGE_JOIN_DIALECT = { ...DUCKDB_DIALECT, nextStep: 'range' as const };

/** Builds the stitched clickstream unless a fresh one is there (the lake has an identity map to build it from). */
export async function ensureStitchedClickstream(engine: LakeEngine, layout: LakeLayout): Promise<void> {
  if (existsSync(identityMapFile(layout)) && stitchedClickstreamRelation(engine, layout) === undefined) await writeStitchedClickstream(engine, layout);
}

/**
 * Runs a funnel five ways (DuckDB's ASOF chain and the portable range-join chain, each with
 * customers joined from the identity map and read from the stitched clickstream, and the
 * reference) and asserts they agree; returns the SQL result for the test's own expectations.
 */
export async function checkedFunnel(engine: LakeEngine, layout: LakeLayout, spec: FunnelSpec, data?: RefData): Promise<FunnelGroupStats[]> {
  await ensureStitchedClickstream(engine, layout);
  const reference = referenceFunnel(data ?? (await loadReferenceData(engine, layout)), spec);
  const ways: Array<[string, FunnelDialect, EventCustomerSource]> = [
    ['ASOF chain, identity join', DUCKDB_DIALECT, 'join'],
    ['range-join chain, identity join', RANGE_JOIN_DIALECT, 'join'],
    ['ASOF chain, stitched clickstream', DUCKDB_DIALECT, 'stitched'],
    ['range-join chain, stitched clickstream', RANGE_JOIN_DIALECT, 'stitched'],
  ];
  let first: FunnelGroupStats[] | undefined;
  for (const [label, dialect, customers] of ways) {
    const groups = await new LakeFunnelRunner(engine, layout, dialect, customers).run(spec);
    assertSameStats(groups, reference, `${label} vs reference`);
    first ??= groups;
  }
  return first ?? [];
}
