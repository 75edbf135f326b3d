/** Funnel definitions as the domain sees them, after validation (see funnel-validation.ts). */

/** `property = value` on an event or order; values compare as text. */
export interface PropertyFilter {
  /** An event property name (`properties.<name>`), `context.os.name`, or an order column (`vertical`, `currency`). */
  property: string;
  equals: string;
}

/** A clickstream `track` event, optionally narrowed by property filters. */
export interface EventStep {
  kind: 'event';
  name: string;
  event: string;
  filters: readonly PropertyFilter[];
  /**
   * The step must carry the entry event's value of this property (`promotion_id`: the click is on
   * the banner that was viewed). Used by the batch job, which computes every promotion in one query.
   */
  sameAsEntry?: 'promotion_id';
}

/** A transactional order placed (created_at), neither cancelled nor deleted. Only the last step. */
export interface OrderStep {
  kind: 'order';
  name: string;
  filters: readonly PropertyFilter[];
}

export type FunnelStep = EventStep | OrderStep;

/** What a breakdown splits by; each customer counts at most once per value (PostHog's attribution). */
export const BREAKDOWNS = ['day', 'platform', 'vertical'] as const;
export type Breakdown = (typeof BREAKDOWNS)[number];

/**
 * An event that disqualifies an entry when it happens strictly between the entry and step 2
 * (the view-through variant: a click between the view and the order makes it a click-through).
 */
export interface Exclusion {
  event: string;
  filters: readonly PropertyFilter[];
  sameAsEntry?: 'promotion_id';
}

/**
 * How customers are counted. `customers`: each stitched customer once over the whole range.
 * `customer-days`: each (customer, day of entry) once, so a range is the sum of its days; the
 * precomputed campaign metrics are additive across days because of it.
 */
export type CountingUnit = 'customers' | 'customer-days';

/** A validated funnel over the lake: entry days, window, steps, and how results are grouped. */
export interface FunnelSpec {
  steps: readonly FunnelStep[];
  /** First and last day (UTC, inclusive) in which step 1 may happen. */
  from: string;
  to: string;
  windowMs: number;
  breakdown?: Breakdown;
  unit: CountingUnit;
  exclusion?: Exclusion;
  /** Results per value of the entry event's property (the batch job: every promotion at once). */
  perEntryProperty?: 'promotion_id';
  /** Results per day of entry even without a `day` breakdown (the batch job's daily rows). */
  perDay?: boolean;
}

export const MAX_STEPS = 10;
export const DAY_MS = 86_400_000;
export const MAX_WINDOW_MS = 90 * DAY_MS;
/** Ad hoc ranges are bounded so one request cannot ask the lake for years of events. */
export const MAX_RANGE_DAYS = 366;
