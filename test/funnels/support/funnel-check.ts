import type { FunnelSpec } from '../../../src/funnels/funnel-definition';
import type { FunnelGroupStats } from '../../../src/funnels/funnel-stats';
import { LakeFunnelRunner } from '../../../src/funnels/lake-funnel-runner';
import { DUCKDB_DIALECT } from '../../../src/funnels/sql/funnel-dialect';
import type { LakeEngine } from '../../../src/lake/lake-engine.port';
import type { LakeLayout } from '../../../src/lake/lake-layout';
import { assertSameStats } from './compare-stats';
import { loadReferenceData, type RefData } from './reference-data';
import { referenceFunnel } from './reference-funnel';

/** DuckDB functions with the portable range-join chain that Athena runs. */
export const RANGE_JOIN_DIALECT = { ...DUCKDB_DIALECT, nextStep: 'range' as const };

/**
 * Runs a funnel three ways (DuckDB's ASOF chain, the portable range-join chain, the reference)
 * and asserts they agree; returns the SQL result for the test's own expectations.
 */
export async function checkedFunnel(engine: LakeEngine, layout: LakeLayout, spec: FunnelSpec, data?: RefData): Promise<FunnelGroupStats[]> {
  const asof = await new LakeFunnelRunner(engine, layout, DUCKDB_DIALECT).run(spec);
  const range = await new LakeFunnelRunner(engine, layout, RANGE_JOIN_DIALECT).run(spec);
  const reference = referenceFunnel(data ?? (await loadReferenceData(engine, layout)), spec);
  assertSameStats(asof, reference, 'ASOF chain vs reference');
  assertSameStats(range, reference, 'range-join chain vs reference');
  return asof;
}
