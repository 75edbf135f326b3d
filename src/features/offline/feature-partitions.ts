import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { isDay, type LakeLayout } from '../../lake/lake-layout';
import { PARTITION_FILE } from '../../lake/processing/partitions';

/** The materialized feature table: `features/customer_features/dt=D/data.parquet`. */
export const FEATURE_TABLE = 'customer_features';

export function featureTableDir(layout: LakeLayout): string {
  return path.join(layout.zone('features'), FEATURE_TABLE);
}

export function featurePartitionDir(layout: LakeLayout, day: string): string {
  return path.join(featureTableDir(layout), `dt=${day}`);
}

export function featurePartitionFile(layout: LakeLayout, day: string): string {
  return path.join(featurePartitionDir(layout, day), PARTITION_FILE);
}

/** Days with a materialized partition, oldest first. */
export function featurePartitionDays(layout: LakeLayout): string[] {
  const dir = featureTableDir(layout);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.startsWith('dt=') && isDay(name.slice(3)) && existsSync(path.join(dir, name, PARTITION_FILE)))
    .map((name) => name.slice(3))
    .sort();
}

/** Glob over every partition's file, for reads across days (history). */
export function featurePartitionsGlob(layout: LakeLayout): string {
  return path.join(featureTableDir(layout), 'dt=*', PARTITION_FILE);
}
