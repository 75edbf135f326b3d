import type { Breakdown, CountingUnit } from './funnel-definition';
import type { FunnelGroupStats, StepStats } from './funnel-stats';

/** One step as callers see it: customers, conversion rates and median times in seconds. */
export interface FunnelStepReport {
  step: number;
  name: string;
  customers: number;
  /** customers / previous step's customers; null for step 1 or when the previous step is empty. */
  conversionFromPrevious: number | null;
  /** customers / step 1's customers; null when nobody entered. */
  conversionFromFirst: number | null;
  medianSecondsFromPrevious: number | null;
  medianSecondsFromFirst: number | null;
}

export interface FunnelBreakdownReport {
  /** The breakdown value (a day, platform or vertical); null for units without one. */
  value: string | null;
  steps: FunnelStepReport[];
  revenue: number | null;
}

export type FunnelSource = 'precomputed' | 'ad_hoc';

export interface FunnelReport {
  from: string;
  to: string;
  window: string;
  windowSeconds: number;
  counting: CountingUnit;
  source: FunnelSource;
  /** True when medians come from merged daily histograms (a precomputed range of several days). */
  mediansEstimated: boolean;
  steps: FunnelStepReport[];
  /** Total of the converting orders, when the last step is an order. */
  revenue: number | null;
  breakdown: Breakdown | null;
  breakdownRows: FunnelBreakdownReport[];
}

function ratio(part: number, whole: number | undefined): number | null {
  return whole === undefined || whole === 0 ? null : part / whole;
}

function seconds(ms: number | null): number | null {
  return ms === null ? null : ms / 1000;
}

export function stepReports(names: readonly string[], stats: readonly StepStats[]): FunnelStepReport[] {
  const first = stats[0]?.customers;
  return names.map((name, index) => {
    const step = stats[index];
    const customers = step?.customers ?? 0;
    return {
      step: index + 1,
      name,
      customers,
      conversionFromPrevious: index === 0 ? null : ratio(customers, stats[index - 1]?.customers),
      conversionFromFirst: index === 0 ? null : ratio(customers, first),
      medianSecondsFromPrevious: seconds(step?.medianFromPreviousMs ?? null),
      medianSecondsFromFirst: seconds(step?.medianFromFirstMs ?? null),
    };
  });
}

/** A group with nobody in it, for a funnel whose query found no entries. */
export function emptyGroup(stepCount: number, endsWithOrder: boolean): FunnelGroupStats {
  return {
    steps: Array.from({ length: stepCount }, () => ({ customers: 0, medianFromPreviousMs: null, medianFromFirstMs: null })),
    revenue: endsWithOrder ? 0 : null,
  };
}

/** Breakdown rows in a stable order: by value, with the null value last. */
export function breakdownReports(names: readonly string[], groups: readonly FunnelGroupStats[]): FunnelBreakdownReport[] {
  return [...groups]
    .sort((a, b) => (a.value ?? '\uffff').localeCompare(b.value ?? '\uffff') || (a.day ?? '').localeCompare(b.day ?? ''))
    .map((group) => ({ value: group.value ?? group.day ?? null, steps: stepReports(names, group.steps), revenue: group.revenue }));
}
