import { DomainError } from '../shared/domain-error';
import { MAX_WINDOW_MS } from './funnel-definition';

const UNIT_MS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const WINDOW = /^(\d{1,7})([smhdw])$/;

/** Parses a conversion window such as `7d`, `36h`, `90m`; it must be positive and at most 90 days. */
export function parseWindow(text: string, argument = 'window'): number {
  const match = WINDOW.exec(text.trim());
  const amount = match ? Number(match[1]) : Number.NaN;
  const unit = match?.[2] ? UNIT_MS[match[2]] : undefined;
  if (unit === undefined || !Number.isSafeInteger(amount)) {
    throw new DomainError('BAD_USER_INPUT', `${argument} must be a number and a unit (s, m, h, d, w), e.g. 7d or 36h`, { argument });
  }
  const ms = amount * unit;
  if (ms <= 0 || ms > MAX_WINDOW_MS) {
    throw new DomainError('BAD_USER_INPUT', `${argument} must be more than 0 and at most 90d`, { argument });
  }
  return ms;
}

/** The largest exact unit for a window, days at most: 604800000 → `7d`, 5400000 → `90m`. */
export function formatWindow(ms: number): string {
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    const size = UNIT_MS[unit] ?? 1000;
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms / 1000}s`;
}
