import { isDay } from '../lake-layout';

/** Inclusive bounds on days; an absent bound is open. Days compare as text because they are YYYY-MM-DD. */
export interface DayBounds {
  from?: string;
  to?: string;
}

export class ProcessOptionsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProcessOptionsError';
  }
}

/** Checks --from/--to before any work starts, so a typo never half-rewrites the lake. */
export function validateBounds(bounds: DayBounds): DayBounds {
  for (const [flag, value] of [
    ['--from', bounds.from],
    ['--to', bounds.to],
  ] as const) {
    if (value !== undefined && !isDay(value)) throw new ProcessOptionsError(`${flag} must be a day YYYY-MM-DD (got "${value}")`);
  }
  if (bounds.from !== undefined && bounds.to !== undefined && bounds.from > bounds.to) {
    throw new ProcessOptionsError(`--from ${bounds.from} is after --to ${bounds.to}`);
  }
  return { from: bounds.from, to: bounds.to };
}

export function withinBounds(day: string, bounds: DayBounds): boolean {
  return (bounds.from === undefined || day >= bounds.from) && (bounds.to === undefined || day <= bounds.to);
}

/** A SQL predicate on a VARCHAR day column; the bounds are validated days, so inlining them is safe. */
export function boundsPredicate(column: string, bounds: DayBounds): string {
  const parts = [
    bounds.from === undefined ? undefined : `${column} >= '${bounds.from}'`,
    bounds.to === undefined ? undefined : `${column} <= '${bounds.to}'`,
  ].filter((part): part is string => part !== undefined);
  return parts.length === 0 ? 'true' : parts.join(' AND ');
}

/** Every day from `from` to `to`, inclusive. */
export function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  const cursor = new Date(`${from}T00:00:00Z`);
  const end = new Date(`${to}T00:00:00Z`);
  while (cursor.getTime() <= end.getTime()) {
    days.push(cursor.toISOString().slice(0, 10));
    cursor.setUTCDate(cursor.getUTCDate() + 1);
  }
  return days;
}
