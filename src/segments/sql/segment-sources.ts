import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { featurePartitionFile } from '../../features/offline/feature-partitions';
import { identityMapFile } from '../../features/sql/feature-sources';
import { stitchedClickstreamRelation } from '../../identity/events/stitched-clickstream';
import type { LakeEngine } from '../../lake/lake-engine.port';
import type { LakeLayout } from '../../lake/lake-layout';
import { lakeRelation, sqlString } from '../../lake/lake-relation';
import { PARTITION_FILE } from '../../lake/processing/partitions';

/** The relations a segment's SQL reads. */
export interface SegmentSources {
  /** The feature table as of D: one row per customer, the population segments choose from. */
  features: string;
  /** The processed clickstream (behaviour and consent). */
  clickstream: string;
  identityMap: string;
  /**
   * The clickstream with each event's stitched customer (`customer_id`), when the lake has one
   * built from its current identity map and processed files; behaviour and consent then read it
   * instead of joining events to the identity map.
   */
  stitchedClickstream?: string;
  /** A consent snapshot of D (customer_id, opted_out), when one was written; otherwise consent is read from the clickstream. */
  consent?: string;
}

/** The segments tables of the features zone, each partitioned by as-of day. */
export const SEGMENT_TABLES = {
  membership: 'segment_membership',
  changes: 'segment_changes',
  consent: 'marketing_consent',
} as const;

export function segmentTableDir(layout: LakeLayout, table: string): string {
  return path.join(layout.zone('features'), table);
}

export function segmentPartitionFile(layout: LakeLayout, table: string, day: string): string {
  return path.join(segmentTableDir(layout, table), `dt=${day}`, PARTITION_FILE);
}

/** Days with a partition of the table, oldest first. */
export function segmentPartitionDays(layout: LakeLayout, table: string): string[] {
  const dir = segmentTableDir(layout, table);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => /^dt=\d{4}-\d{2}-\d{2}$/.test(name) && existsSync(path.join(dir, name, PARTITION_FILE)))
    .map((name) => name.slice(3))
    .sort();
}

const CLICKSTREAM_COLUMNS = {
  message_id: 'VARCHAR',
  type: 'VARCHAR',
  event: 'VARCHAR',
  user_id: 'VARCHAR',
  anonymous_id: 'VARCHAR',
  event_time: 'TIMESTAMP',
  properties: 'VARCHAR',
  context: 'VARCHAR',
  dt: 'DATE',
} as const;

function emptyClickstream(): string {
  return `(SELECT ${Object.entries(CLICKSTREAM_COLUMNS).map(([name, type]) => `CAST(NULL AS ${type}) AS ${name}`).join(', ')} WHERE 1 = 0)`;
}

/**
 * DuckDB reads the local lake's files (a lake without clickstream yet reads as empty); Athena
 * reads the Glue tables of the same layout, the features table filtered to D's partition.
 */
export function segmentSources(engine: Pick<LakeEngine, 'dialect'>, layout: LakeLayout, day: string): SegmentSources {
  if (engine.dialect === 'athena') {
    return {
      features: `(SELECT * FROM "features_customer_features" WHERE dt = ${sqlString(day)})`,
      clickstream: lakeRelation(engine, layout, 'processed', 'clickstream'),
      identityMap: '"identity_identity_map"',
      stitchedClickstream: stitchedClickstreamRelation(engine, layout),
    };
  }
  const clickstreamDir = layout.processedTable('clickstream');
  const hasClickstream = existsSync(clickstreamDir) && readdirSync(clickstreamDir).some((name) => name.startsWith('dt='));
  const consent = segmentPartitionFile(layout, SEGMENT_TABLES.consent, day);
  return {
    features: `read_parquet(${sqlString(featurePartitionFile(layout, day))})`,
    clickstream: hasClickstream ? lakeRelation(engine, layout, 'processed', 'clickstream') : emptyClickstream(),
    identityMap: `read_parquet(${sqlString(identityMapFile(layout))})`,
    ...(existsSync(consent) ? { consent: `read_parquet(${sqlString(consent)})` } : {}),
    stitchedClickstream: hasClickstream ? stitchedClickstreamRelation(engine, layout) : undefined,
  };
}
