import type { LakeEngine } from '../../lake/lake-engine.port';
import type { LakeLayout } from '../../lake/lake-layout';
import { sqlString } from '../../lake/lake-relation';
import type { FeatureScalar } from '../../store/online-store.port';
import type { FeatureDefinition } from '../feature-definition';
import { FeaturesException, FeaturesExceptionCode } from '../features.exception';
import { ENTITY_COLUMN, EVENT_TIMESTAMP_COLUMN } from '../sql/feature-table.sql';
import { loadEntityRows } from './entity-rows.sql';
import { featurePartitionDays, featurePartitionsGlob } from './feature-partitions';
import { servedFeatures } from './online-values';

const CHUNK_ROWS = 10_000;

export interface HistoryRequest {
  /** CSV (header row) or JSON lines of (customer_id, timestamp). */
  entitiesFile: string;
  features: readonly FeatureDefinition[];
}

/** One training row: the entity row as given, and the feature values as of its timestamp. */
export interface HistoryRow {
  customerId: string;
  timestamp: string;
  /** event_timestamp of the materialization used (end of its day), or null when none precedes the timestamp. */
  featuresAsOf: string | null;
  features: Record<string, FeatureScalar>;
}

/**
 * Point-in-time training data (Feast's get_historical_features): for each entity row, the values
 * of the newest materialization whose event_timestamp is at or before the row's timestamp, so
 * nothing after the timestamp leaks in. A day's values are as of its end (23:59:59.999), so a row
 * at noon on D sees D-1's. DuckDB's ASOF LEFT JOIN finds that partition per row in one sorted pass;
 * rows with none get nulls. Output keeps the input order.
 */
export async function featureHistory(engine: LakeEngine, layout: LakeLayout, request: HistoryRequest, emit: (row: HistoryRow) => Promise<void>): Promise<{ rows: number }> {
  if (engine.dialect !== 'duckdb') throw new Error(`features history reads a local entities file with DuckDB (got ${engine.dialect})`);
  if (featurePartitionDays(layout).length === 0) {
    throw new FeaturesException(FeaturesExceptionCode.NO_FEATURES_PARTITION, 'no materialized features yet; run `c360 features materialize --date D` for the days the entity rows need');
  }
  const table = `c360_history_${process.pid}_${Date.now()}`;
  const joined = `${table}_joined`;
  const total = await loadEntityRows(engine, request.entitiesFile, table);
  try {
    const names = request.features.map((feature) => `f.${feature.name}`).join(', ');
    await engine.execute(
      `CREATE TABLE ${joined} AS
       SELECT e.row_no, e.customer_id AS entity_id, e.ts AS entity_ts, f.${EVENT_TIMESTAMP_COLUMN} AS features_as_of, ${names}
       FROM ${table} AS e
       ASOF LEFT JOIN read_parquet(${sqlString(featurePartitionsGlob(layout))}, union_by_name = true) AS f
         ON f.${ENTITY_COLUMN} = e.customer_id AND e.ts >= f.${EVENT_TIMESTAMP_COLUMN}`,
    );
    // Read back in input order a chunk at a time, so a large training set never sits in memory as objects.
    for (let from = 1; from <= total; from += CHUNK_ROWS) {
      const rows = await engine.query(`SELECT * FROM ${joined} WHERE row_no >= ? AND row_no < ? ORDER BY row_no`, [from, from + CHUNK_ROWS]);
      for (const row of rows) {
        const asOf = row.features_as_of instanceof Date ? row.features_as_of.toISOString() : null;
        const timestamp = row.entity_ts instanceof Date ? row.entity_ts.toISOString() : String(row.entity_ts);
        const features = asOf === null ? Object.fromEntries(request.features.map((feature) => [feature.name, null])) : servedFeatures(row, request.features);
        await emit({ customerId: String(row.entity_id), timestamp, featuresAsOf: asOf, features });
      }
    }
    return { rows: total };
  } finally {
    await engine.execute(`DROP TABLE IF EXISTS ${joined}`);
    await engine.execute(`DROP TABLE IF EXISTS ${table}`);
  }
}
