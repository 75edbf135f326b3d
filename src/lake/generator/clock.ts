// Time arithmetic in epoch milliseconds, UTC only. Formatting goes through Date so there is one
// calendar implementation, but no code here ever asks for "now".

export const SECOND = 1_000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** India is UTC+05:30 all year; customers' days follow it, the lake's partitions do not. */
export const IST_OFFSET = 5 * HOUR + 30 * MINUTE;

export function dayStart(day: string): number {
  return Date.parse(`${day}T00:00:00.000Z`);
}

export function dayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function addDays(day: string, days: number): string {
  return dayOf(dayStart(day) + days * DAY);
}

/** ISO-8601 with milliseconds and `Z`, as RudderStack and our services write it. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** `YYYY-MM-DD HH:MM:SS`: how DMS renders MySQL DATETIME columns in CSV. */
export function dmsTime(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}

/** DMS names change files after the moment it wrote them: `YYYYMMDD-HHMMSSmmm.csv`. */
export function dmsChangeFileName(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}-${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}${iso.slice(20, 23)}.csv`;
}

export function floorTo(ms: number, unit: number): number {
  return Math.floor(ms / unit) * unit;
}
