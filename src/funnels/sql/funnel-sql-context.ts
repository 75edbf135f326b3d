import { DAY_MS, type FunnelSpec } from '../funnel-definition';
import type { FunnelDialect } from './funnel-dialect';
import type { SqlParams } from './sql-params';

/** The relations a funnel reads: processed clickstream and orders, and the identity map. */
export interface FunnelSources {
  clickstream: string;
  orders: string;
  identityMap: string;
  /**
   * The clickstream with each event's customer (`customer_id`), when a fresh one exists: events
   * are then read from it instead of `clickstream` joined to `identityMap`, with the same result.
   */
  stitchedClickstream?: string;
}

/**
 * What the SQL fragments share. A "unit" is what is counted once: a customer, plus the entry
 * property (promotion), the entry day and the breakdown value when those split the results.
 */
export interface FunnelSqlContext {
  spec: FunnelSpec;
  sources: FunnelSources;
  dialect: FunnelDialect;
  params: SqlParams;
  /** Units carry the entry event's promotion (`part`). */
  byPart: boolean;
  /** Units carry the entry day (`day`, days since 1970-01-01). */
  byDay: boolean;
  /** Results are split by entry day (a `day` breakdown, or the batch job's daily rows). */
  outputByDay: boolean;
  /** Units carry a breakdown value (`bval`); `''` stands for "no value" so it can be joined on. */
  byValue: 'platform' | 'vertical' | undefined;
  /** Bound window length in milliseconds. */
  window: string;
  /** Whether the last step is an order (revenue is reported then). */
  endsWithOrder: boolean;
  /** Entry bounds and the scan's end (entries' end plus the window), epoch ms. */
  fromMs: number;
  toEndMs: number;
  scanEndMs: number;
}

export function funnelSqlContext(spec: FunnelSpec, sources: FunnelSources, dialect: FunnelDialect, params: SqlParams): FunnelSqlContext {
  const fromMs = Date.parse(`${spec.from}T00:00:00Z`);
  const toEndMs = Date.parse(`${spec.to}T00:00:00Z`) + DAY_MS;
  return {
    spec,
    sources,
    dialect,
    params,
    byPart: spec.perEntryProperty !== undefined,
    byDay: spec.unit === 'customer-days' || spec.breakdown === 'day' || spec.perDay === true,
    outputByDay: spec.breakdown === 'day' || spec.perDay === true,
    byValue: spec.breakdown === 'platform' || spec.breakdown === 'vertical' ? spec.breakdown : undefined,
    window: params.bind(spec.windowMs),
    endsWithOrder: spec.steps[spec.steps.length - 1]?.kind === 'order',
    fromMs,
    toEndMs,
    scanEndMs: toEndMs + spec.windowMs,
  };
}

/** Columns that identify a unit apart from the customer, in a fixed order. */
export function unitKeys(context: FunnelSqlContext): string[] {
  return [...(context.byPart ? ['part'] : []), ...(context.byDay ? ['day'] : []), ...(context.byValue ? ['bval'] : [])];
}

/** Columns the results are grouped by. */
export function outputKeys(context: FunnelSqlContext): string[] {
  return [...(context.byPart ? ['part'] : []), ...(context.outputByDay ? ['day'] : []), ...(context.byValue ? ['bval'] : [])];
}

/** Days since the epoch of an epoch-ms expression; integer arithmetic every engine agrees on. */
export function dayNumberSql(ms: string): string {
  return `CAST(floor(${ms} / ${DAY_MS}.0) AS BIGINT)`;
}
