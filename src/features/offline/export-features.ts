import type { LakeEngine } from '../../lake/lake-engine.port';
import type { LakeLayout } from '../../lake/lake-layout';
import { sqlString } from '../../lake/lake-relation';
import type { FeatureScalar } from '../../store/online-store.port';
import type { FeatureDefinition } from '../feature-definition';
import { FeaturesException, FeaturesExceptionCode } from '../features.exception';
import { ENTITY_COLUMN } from '../sql/feature-table.sql';
import { featurePartitionDays, featurePartitionFile } from './feature-partitions';
import { customerIdOf, servedFeatures } from './online-values';

export interface ExportRequest {
  features: readonly FeatureDefinition[];
  /** The as-of day to export; the newest materialized day when absent. */
  date?: string;
  /** Customers read per query; bounds memory on large partitions. */
  chunkSize?: number;
}

/** One exported line, as DESIGN.md's command table prints it. */
export interface ExportedCustomer {
  customerId: string;
  features: Record<string, FeatureScalar>;
}

/** The day an export reads: the one asked for, or the newest materialized; a clear error when there is none. */
export function exportDay(layout: LakeLayout, date?: string): string {
  const days = featurePartitionDays(layout);
  const day = date ?? days[days.length - 1];
  if (day === undefined || !days.includes(day)) {
    const known = days.length === 0 ? 'none yet' : `${days[0]} … ${days[days.length - 1]}`;
    throw new FeaturesException(
      FeaturesExceptionCode.NO_FEATURES_PARTITION,
      `no materialized features${date ? ` for ${date}` : ''} (materialized days: ${known}); run \`c360 features materialize --date D\` first`,
    );
  }
  return day;
}

/**
 * Streams a materialized partition's customers in customer order, `chunkSize` at a time, to
 * `emit`; values are typed as the online store serves them. Returns the customers exported.
 */
export async function exportFeatures(engine: LakeEngine, layout: LakeLayout, request: ExportRequest, emit: (customer: ExportedCustomer) => Promise<void>): Promise<{ date: string; customers: number }> {
  const date = exportDay(layout, request.date);
  const file = sqlString(featurePartitionFile(layout, date));
  const columns = [ENTITY_COLUMN, ...request.features.map((feature) => feature.name)].join(', ');
  const chunkSize = request.chunkSize ?? 5_000;
  let after: string | null = null;
  let customers = 0;
  for (;;) {
    const rows = await engine.query(
      `SELECT ${columns} FROM read_parquet(${file}) WHERE ${after === null ? 'true' : `${ENTITY_COLUMN} > ?`} ORDER BY ${ENTITY_COLUMN} LIMIT ${chunkSize}`,
      after === null ? [] : [after],
    );
    for (const row of rows) await emit({ customerId: customerIdOf(row), features: servedFeatures(row, request.features) });
    customers += rows.length;
    const last = rows[rows.length - 1];
    if (last === undefined || rows.length < chunkSize) break;
    after = customerIdOf(last);
  }
  return { date, customers };
}
