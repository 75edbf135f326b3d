import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import type { LakeEngine } from '../../lake/lake-engine.port';
import type { LakeLayout } from '../../lake/lake-layout';
import { lakeRelation, sqlString } from '../../lake/lake-relation';

/** The processed columns features read, with their types, so a table with no files yet reads as empty. */
const PROCESSED_COLUMNS = {
  orders: { order_id: 'VARCHAR', user_id: 'VARCHAR', status: 'VARCHAR', vertical: 'VARCHAR', total_amount: 'DECIMAL(12,2)', created_at: 'TIMESTAMP', dt: 'DATE' },
  clickstream: {
    message_id: 'VARCHAR',
    type: 'VARCHAR',
    event: 'VARCHAR',
    user_id: 'VARCHAR',
    anonymous_id: 'VARCHAR',
    event_time: 'TIMESTAMP',
    channel: 'VARCHAR',
    promotion_id: 'VARCHAR',
    order_id: 'VARCHAR',
    properties: 'VARCHAR',
    dt: 'DATE',
  },
  lab_bookings: { booking_id: 'VARCHAR', user_id: 'VARCHAR', status: 'VARCHAR', created_at: 'TIMESTAMP', dt: 'DATE' },
  consultations: { consultation_id: 'VARCHAR', user_id: 'VARCHAR', status: 'VARCHAR', created_at: 'TIMESTAMP', dt: 'DATE' },
} as const;

export type FeatureSourceTable = keyof typeof PROCESSED_COLUMNS;

/** The relations the feature SQL reads: processed tables and the stitched identity map. */
export type FeatureSources = Readonly<Record<FeatureSourceTable | 'identityMap', string>>;

/** Where identity stitching writes the map from (id_type, id_value) to customer_id. */
export function identityMapFile(layout: LakeLayout): string {
  return path.join(layout.zone('identity'), 'identity_map', 'data.parquet');
}

function hasPartitions(dir: string): boolean {
  return existsSync(dir) && readdirSync(dir).some((name) => name.startsWith('dt='));
}

function emptyRelation(table: FeatureSourceTable): string {
  const columns = Object.entries(PROCESSED_COLUMNS[table]).map(([name, type]) => `CAST(NULL AS ${type}) AS ${name}`);
  return `(SELECT ${columns.join(', ')} WHERE 1 = 0)`;
}

/**
 * DuckDB reads the local folders (a table with no partitions yet, say no lab bookings, reads as
 * empty instead of failing); Athena reads the Glue tables of the same layout.
 */
export function featureSources(engine: Pick<LakeEngine, 'dialect'>, layout: LakeLayout): FeatureSources {
  const processed = (table: FeatureSourceTable): string => {
    if (engine.dialect === 'duckdb' && !hasPartitions(layout.processedTable(table))) return emptyRelation(table);
    return lakeRelation(engine, layout, 'processed', table);
  };
  return {
    orders: processed('orders'),
    clickstream: processed('clickstream'),
    lab_bookings: processed('lab_bookings'),
    consultations: processed('consultations'),
    identityMap: engine.dialect === 'athena' ? '"identity_identity_map"' : `read_parquet(${sqlString(identityMapFile(layout))})`,
  };
}
