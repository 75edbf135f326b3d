import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { LakeEngine } from '../../lake/lake-engine.port';
import type { LakeLayout } from '../../lake/lake-layout';
import { sqlString } from '../../lake/lake-relation';
import { applySwaps, PARTITION_FILE, type PartitionSwap } from '../../lake/processing/partitions';

/** One row of `metrics/campaign_funnel/dt=<entry day>/data.parquet`: one step of one group. */
export interface CampaignMetricRow {
  promotion_id: string;
  variant: string;
  /** total, platform or vertical. */
  breakdown: string;
  breakdown_value: string | null;
  step: number;
  step_name: string;
  customers: number;
  median_from_previous_ms: number | null;
  median_from_first_ms: number | null;
  /** JSON {bucket: count}; see time-histogram.ts. */
  from_previous_histogram: string | null;
  from_first_histogram: string | null;
  /** The group's attributed revenue, on every step row of the group (null without an order step). */
  revenue: number | null;
  window_ms: number;
  computed_at: string;
}

const COLUMNS: ReadonlyArray<readonly [keyof CampaignMetricRow, string]> = [
  ['promotion_id', 'VARCHAR'],
  ['variant', 'VARCHAR'],
  ['breakdown', 'VARCHAR'],
  ['breakdown_value', 'VARCHAR'],
  ['step', 'INTEGER'],
  ['step_name', 'VARCHAR'],
  ['customers', 'BIGINT'],
  ['median_from_previous_ms', 'DOUBLE'],
  ['median_from_first_ms', 'DOUBLE'],
  ['from_previous_histogram', 'VARCHAR'],
  ['from_first_histogram', 'VARCHAR'],
  ['revenue', 'DOUBLE'],
  ['window_ms', 'BIGINT'],
  ['computed_at', 'TIMESTAMP'],
];

export const CAMPAIGN_METRICS_TABLE = 'campaign_funnel';

export function metricsPartition(layout: LakeLayout, day: string): string {
  return path.join(layout.zone('metrics'), CAMPAIGN_METRICS_TABLE, `dt=${day}`);
}

/** Promotions an earlier run wrote for `day`, so ones that vanished can be zeroed in the online store. */
export async function promotionsWritten(engine: LakeEngine, layout: LakeLayout, day: string): Promise<string[]> {
  const file = path.join(metricsPartition(layout, day), PARTITION_FILE);
  if (!existsSync(file)) return [];
  const rows = await engine.query(`SELECT DISTINCT promotion_id FROM read_parquet(${sqlString(file)}) WHERE promotion_id IS NOT NULL`);
  return rows.map((row) => String(row.promotion_id));
}

function selectRows(file: string | undefined): string {
  if (file === undefined) return `SELECT ${COLUMNS.map(([name, type]) => `CAST(NULL AS ${type}) AS ${name}`).join(', ')} LIMIT 0`;
  const columns = COLUMNS.map(([name, type]) => `${name}: '${type}'`).join(', ');
  return `SELECT ${COLUMNS.map(([name]) => name).join(', ')} FROM read_json(${sqlString(file)}, format = 'newline_delimited', columns = {${columns}})`;
}

/**
 * Writes one Parquet file per entry day, every day of `rowsByDay` included (an empty file says
 * "computed, nobody entered"), staged on the lake's filesystem and swapped in by rename only when
 * all are written.
 */
export async function writeMetricsPartitions(engine: LakeEngine, layout: LakeLayout, rowsByDay: ReadonlyMap<string, readonly CampaignMetricRow[]>): Promise<void> {
  const staging = layout.staging(`funnels-metrics-${process.pid}-${Date.now()}`);
  mkdirSync(staging, { recursive: true });
  try {
    const swaps: PartitionSwap[] = [];
    for (const [day, rows] of rowsByDay) {
      const json = path.join(staging, `${day}.jsonl`);
      if (rows.length > 0) writeFileSync(json, rows.map((row) => JSON.stringify(row)).join('\n'));
      const staged = path.join(staging, `${day}.parquet`);
      await engine.execute(
        `COPY (SELECT * FROM (${selectRows(rows.length > 0 ? json : undefined)}) ORDER BY promotion_id, variant, breakdown, breakdown_value NULLS LAST, step)
         TO ${sqlString(staged)} (FORMAT parquet, COMPRESSION zstd)`,
      );
      swaps.push({ target: metricsPartition(layout, day), staged, fileName: PARTITION_FILE });
    }
    applySwaps(swaps);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
