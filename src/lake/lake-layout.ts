import * as path from 'node:path';

/** The raw sources the lake receives, as DESIGN.md names them. */
export const RAW_SOURCES = ['clickstream', 'orders', 'lab_bookings', 'consultations', 'api_logs'] as const;
export type RawSource = (typeof RAW_SOURCES)[number];

/** The transactional sources replicated by DMS CDC. */
export const CDC_SOURCES = ['orders', 'lab_bookings', 'consultations'] as const;
export type CdcSource = (typeof CDC_SOURCES)[number];

/** `identity` holds the stitched identity map that features, segments and funnels join to. */
export const ZONES = ['raw', 'processed', 'identity', 'features', 'metrics', 'quarantine'] as const;
export type Zone = (typeof ZONES)[number];

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A UTC calendar day, YYYY-MM-DD. */
export function isDay(value: string): boolean {
  if (!DAY.test(value)) return false;
  const parsed = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === value;
}

/** Paths inside a local lake root. Partitions are `dt=YYYY-MM-DD` folders. */
export class LakeLayout {
  constructor(readonly root: string) {}

  zone(zone: Zone): string {
    return path.join(this.root, zone);
  }

  /** `raw/<source>/dt=<day>`: partitioned by the day the data landed. */
  rawPartition(source: RawSource, landedDay: string): string {
    return path.join(this.root, 'raw', source, `dt=${landedDay}`);
  }

  /** `processed/<table>/dt=<day>`: partitioned by event day. */
  processedPartition(table: string, eventDay: string): string {
    return path.join(this.root, 'processed', table, `dt=${eventDay}`);
  }

  processedTable(table: string): string {
    return path.join(this.root, 'processed', table);
  }

  quarantinePartition(source: RawSource, landedDay: string): string {
    return path.join(this.root, 'quarantine', source, `dt=${landedDay}`);
  }

  /** `_staging/…`: a job's scratch space on the lake's own filesystem, so finished files move in by rename. */
  staging(...parts: string[]): string {
    return path.join(this.root, '_staging', ...parts);
  }
}
