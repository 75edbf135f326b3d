import type { FunnelGroupStats, StepStats } from '../funnel-stats';
import { histogramMedian, mergeHistograms, type TimeHistogram } from '../time-histogram';
import type { CampaignVariant } from './campaign-funnels';

/** The precomputed breakdowns of each promotion-day; `day` needs none (a day is one row). */
export const METRIC_BREAKDOWNS = ['total', 'platform', 'vertical'] as const;
export type MetricBreakdown = (typeof METRIC_BREAKDOWNS)[number];

/** One step of one precomputed group, compact because it is stored per promotion-day. */
export interface StoredStep {
  /** Customers (customer-days) reaching the step. */
  c: number;
  /** Exact median milliseconds from the previous / first step, for this day alone. */
  mp: number | null;
  mf: number | null;
  /** The same durations as histograms, so several days can be merged. */
  hp?: TimeHistogram;
  hf?: TimeHistogram;
}

/** A precomputed group: the whole funnel (v undefined) or one breakdown value (null: none). */
export interface StoredGroup {
  v?: string | null;
  s: StoredStep[];
  r: number | null;
}

/** The online-store feature holding a variant's groups for one breakdown. */
export function metricFeature(variant: CampaignVariant, breakdown: MetricBreakdown): string {
  return `${variant}.${breakdown}`;
}

/** Entity of one promotion's metrics for one entry day. */
export function campaignEntity(promotionId: string, day: string): string {
  return `campaign:${promotionId}:${day}`;
}

/** Entity whose features name the days the job has computed (feature = day). */
export const COMPUTED_DAYS_ENTITY = 'campaign-funnel:days';

export function toStoredGroup(group: FunnelGroupStats): StoredGroup {
  const stored: StoredGroup = {
    s: group.steps.map((step) => ({
      c: step.customers,
      mp: step.medianFromPreviousMs,
      mf: step.medianFromFirstMs,
      ...(step.fromPrevious && Object.keys(step.fromPrevious).length > 0 ? { hp: step.fromPrevious } : {}),
      ...(step.fromFirst && Object.keys(step.fromFirst).length > 0 ? { hf: step.fromFirst } : {}),
    })),
    r: group.revenue,
  };
  if (group.value !== undefined) stored.v = group.value;
  return stored;
}

function medianOf(parts: readonly StoredStep[], exact: 'mp' | 'mf', histogram: 'hp' | 'hf'): number | null {
  const reached = parts.filter((part) => part.c > 0);
  if (reached.length === 0) return null;
  if (reached.length === 1) return reached[0]?.[exact] ?? null;
  const seconds = histogramMedian(mergeHistograms(reached.map((part) => part[histogram] ?? {})));
  return seconds === undefined ? null : seconds * 1000;
}

/**
 * Sums a group over days: counts and revenue add up (units are customer-days); a median is exact
 * when one day contributes and estimated from the merged histograms otherwise.
 */
export function mergeStoredGroups(days: readonly StoredGroup[], stepCount: number): { group: FunnelGroupStats; estimated: boolean } {
  const steps: StepStats[] = [];
  let estimated = false;
  for (let index = 0; index < stepCount; index++) {
    const parts = days.flatMap((day) => (day.s[index] ? [day.s[index]] : []));
    if (parts.filter((part) => part.c > 0).length > 1 && index > 0) estimated = true;
    steps.push({
      customers: parts.reduce((sum, part) => sum + part.c, 0),
      medianFromPreviousMs: index === 0 ? null : medianOf(parts, 'mp', 'hp'),
      medianFromFirstMs: index === 0 ? null : medianOf(parts, 'mf', 'hf'),
    });
  }
  const revenues = days.map((day) => day.r).filter((revenue): revenue is number => revenue !== null);
  const revenue = days.some((day) => day.r !== null) ? revenues.reduce((sum, value) => sum + value, 0) : null;
  return { group: { steps, revenue }, estimated };
}
