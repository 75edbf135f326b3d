import { asOf, dayStartLiteral, timestampLiteral, windowStartDay, type AsOf } from '../../features/sql/as-of';
import type { SegmentDialect } from './segment-dialect';
import type { SegmentSources } from './segment-sources';

/** Everything a segment's SQL needs: the as-of day, its time literals, the dialect and the relations. */
export class SegmentSqlContext {
  readonly asOf: AsOf;

  constructor(
    day: string,
    readonly dialect: SegmentDialect,
    readonly sources: SegmentSources,
  ) {
    this.asOf = asOf(day);
  }

  get day(): string {
    return this.asOf.day;
  }

  /** `TIMESTAMP 'D+1 00:00:00'`: everything counted is strictly before it. */
  get endLiteral(): string {
    return timestampLiteral(this.asOf.endExclusiveMs);
  }

  /** First instant of the N-day window ending at D, as a literal (computed here, never from input). */
  windowStartLiteral(days: number): string {
    return dayStartLiteral(windowStartDay(this.day, days));
  }

  /** First instant of the N-day window ending at D, in epoch ms. */
  windowStartMs(days: number): number {
    return Date.parse(`${windowStartDay(this.day, days)}T00:00:00Z`);
  }

  /** Pruning of `dt` partitions to the N days ending at D (or every day up to D). */
  partitions(column: string, days?: number): string {
    const upper = this.dialect.days.dayAtMost(column, this.day);
    return days === undefined ? upper : `${this.dialect.days.dayAtLeast(column, windowStartDay(this.day, days))} AND ${upper}`;
  }
}
