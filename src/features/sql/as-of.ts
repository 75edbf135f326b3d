import { isDay } from '../../lake/lake-layout';

const DAY_MS = 86_400_000;

/**
 * "As of the end of day D": every feature counts what happened up to D 23:59:59.999 UTC, and a
 * window of N days is D-(N-1) … D inclusive. The materialized row carries that instant as its
 * event time, so the online store's last-write-wins keeps any newer streamed value.
 */
export interface AsOf {
  day: string;
  /** D+1 00:00 UTC in epoch ms: the first instant not included. */
  endExclusiveMs: number;
  /** D 23:59:59.999 UTC in epoch ms: the event time of every value of the run. */
  eventTimeMs: number;
}

export function asOf(day: string): AsOf {
  if (!isDay(day)) throw new Error(`the as-of day must be YYYY-MM-DD (got "${day}")`);
  const endExclusiveMs = Date.parse(`${day}T00:00:00Z`) + DAY_MS;
  return { day, endExclusiveMs, eventTimeMs: endExclusiveMs - 1 };
}

export function shiftDay(day: string, delta: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + delta * DAY_MS).toISOString().slice(0, 10);
}

/** First day of the N-day window ending at `day` (inclusive on both ends). */
export function windowStartDay(day: string, windowDays: number): string {
  return shiftDay(day, -(windowDays - 1));
}

/** A TIMESTAMP literal both DuckDB and Trino read, from epoch ms (UTC, millisecond precision). */
export function timestampLiteral(ms: number): string {
  return `TIMESTAMP '${new Date(ms).toISOString().replace('T', ' ').replace('Z', '')}'`;
}

/** The first instant of a day as a TIMESTAMP literal. */
export function dayStartLiteral(day: string): string {
  return timestampLiteral(Date.parse(`${day}T00:00:00Z`));
}
