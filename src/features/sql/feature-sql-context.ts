import { asOf, dayStartLiteral, shiftDay, timestampLiteral, windowStartDay, type AsOf } from './as-of';
import type { FeatureDialect } from './feature-dialect';
import type { FeatureSources } from './feature-sources';

/** A named subquery of the WITH clause. */
export type Cte = readonly [name: string, body: string];

/** What one feature view contributes to the feature table. */
export interface ViewSql {
  ctes: readonly Cte[];
  /** CTEs with one row per customer_id, LEFT JOINed to the population in this order. */
  joins: readonly string[];
  /** Feature name → SQL expression over the joined CTEs (absent customers must get the right default). */
  columns: Readonly<Record<string, string>>;
}

/** Everything a view's SQL needs: the as-of instant, time literals, the dialect and the relations. */
export class FeatureSqlContext {
  readonly asOf: AsOf;
  /** `TIMESTAMP 'D+1 00:00:00'`: rows must be strictly before it. */
  readonly end: string;

  constructor(
    day: string,
    readonly dialect: FeatureDialect,
    readonly sources: FeatureSources,
  ) {
    this.asOf = asOf(day);
    this.end = timestampLiteral(this.asOf.endExclusiveMs);
  }

  get day(): string {
    return this.asOf.day;
  }

  /** First instant of the N-day window ending at D, as a TIMESTAMP literal. */
  windowStart(windowDays: number): string {
    return dayStartLiteral(windowStartDay(this.day, windowDays));
  }

  /** Partition pruning for a window of N days (or all history up to D when undefined), plus `slackDays` after D. */
  partitions(column: string, windowDays?: number, slackDays = 0): string {
    const upper = this.dialect.dayAtMost(column, shiftDay(this.day, slackDays));
    return windowDays === undefined ? upper : `${this.dialect.dayAtLeast(column, windowStartDay(this.day, windowDays))} AND ${upper}`;
  }

  /** `DATE 'D'`, for whole-day differences (date_diff('day', …) on DATEs agrees across engines; on TIMESTAMPs it does not). */
  get dayLiteral(): string {
    return `DATE '${this.day}'`;
  }
}
