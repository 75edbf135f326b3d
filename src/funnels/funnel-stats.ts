import type { LakeRow, LakeValue } from '../lake/lake-engine.port';
import { DAY_MS } from './funnel-definition';
import type { TimeHistogram } from './time-histogram';

/** One step of one result group, as computed (times in milliseconds). */
export interface StepStats {
  customers: number;
  medianFromPreviousMs: number | null;
  medianFromFirstMs: number | null;
  /** Bucket counts of the same durations, when asked for (precomputed metrics). */
  fromPrevious?: TimeHistogram;
  fromFirst?: TimeHistogram;
}

/** A result group: the whole funnel, or one promotion, entry day or breakdown value of it. */
export interface FunnelGroupStats {
  promotionId?: string;
  day?: string;
  /** The breakdown value; null when the unit had none (no platform, no order). */
  value?: string | null;
  steps: StepStats[];
  /** Total of the converting orders, when the last step is an order. */
  revenue: number | null;
}

function numberOrNull(value: LakeValue | undefined): number | null {
  if (value === null || value === undefined) return null;
  const number = typeof value === 'bigint' ? Number(value) : Number(value);
  return Number.isFinite(number) ? number : null;
}

function histogram(value: LakeValue | undefined): TimeHistogram {
  const result: TimeHistogram = {};
  if (value === null || value === undefined || typeof value !== 'object' || value instanceof Date || Array.isArray(value)) return result;
  for (const [bucket, count] of Object.entries(value)) result[bucket] = numberOrNull(count) ?? 0;
  return result;
}

export function dayFromNumber(dayNumber: number): string {
  return new Date(dayNumber * DAY_MS).toISOString().slice(0, 10);
}

/** Reads the funnel statement's rows (see funnel-query.sql.ts for the column names). */
export function statsFromRows(rows: readonly LakeRow[], stepCount: number, endsWithOrder: boolean): FunnelGroupStats[] {
  return rows.map((row) => {
    const steps: StepStats[] = [];
    for (let j = 1; j <= stepCount; j++) {
      const step: StepStats = {
        customers: numberOrNull(row[`c${j}`]) ?? 0,
        medianFromPreviousMs: j === 1 ? null : numberOrNull(row[`mp${j}`]),
        medianFromFirstMs: j === 1 ? null : numberOrNull(row[`mf${j}`]),
      };
      if (j > 1 && `hp${j}` in row) {
        step.fromPrevious = histogram(row[`hp${j}`]);
        step.fromFirst = histogram(row[`hf${j}`]);
      }
      steps.push(step);
    }
    const group: FunnelGroupStats = { steps, revenue: endsWithOrder ? (numberOrNull(row.revenue) ?? 0) : null };
    if ('part' in row) group.promotionId = String(row.part);
    if ('day' in row) group.day = dayFromNumber(numberOrNull(row.day) ?? 0);
    if ('bval' in row) group.value = row.bval === '' || row.bval === null ? null : String(row.bval);
    return group;
  });
}
