import type { Breakdown } from '../funnel-definition';
import { emptyGroup } from '../funnel-report';
import type { FunnelGroupStats } from '../funnel-stats';
import { metricFeature, mergeStoredGroups, type StoredGroup } from './campaign-metrics';
import type { StoredCampaignMetrics } from './campaign-metrics-store';
import type { CampaignVariant } from './campaign-funnels';

export interface PrecomputedFunnel {
  total: FunnelGroupStats;
  breakdown: FunnelGroupStats[];
  mediansEstimated: boolean;
}

/** Features a request needs from each promotion-day. */
export function featuresFor(variant: CampaignVariant, breakdown: Breakdown | undefined): string[] {
  const features = [metricFeature(variant, 'total')];
  if (breakdown === 'platform' || breakdown === 'vertical') features.push(metricFeature(variant, breakdown));
  return features;
}

function groupsOf(metrics: StoredCampaignMetrics, day: string, feature: string): StoredGroup[] {
  return metrics.byDay.get(day)?.get(feature) ?? [];
}

/**
 * A variant's funnel over a range from its daily rows: customer-days add up across days, so the
 * range is the sum of its days; the `day` breakdown is the days themselves.
 */
export function sumPrecomputed(
  metrics: StoredCampaignMetrics,
  days: readonly string[],
  variant: CampaignVariant,
  breakdown: Breakdown | undefined,
  stepCount: number,
  endsWithOrder: boolean,
): PrecomputedFunnel {
  const totalFeature = metricFeature(variant, 'total');
  const dailyTotals = days.flatMap((day) => groupsOf(metrics, day, totalFeature).map((group) => ({ day, group })));
  const total = dailyTotals.length > 0 ? mergeStoredGroups(dailyTotals.map(({ group }) => group), stepCount) : { group: emptyGroup(stepCount, endsWithOrder), estimated: false };
  let estimated = total.estimated;
  const rows: FunnelGroupStats[] = [];
  if (breakdown === 'day') {
    for (const { day, group } of dailyTotals) {
      if ((group.s[0]?.c ?? 0) > 0) rows.push({ ...mergeStoredGroups([group], stepCount).group, day });
    }
  } else if (breakdown) {
    const byValue = new Map<string | null, StoredGroup[]>();
    for (const day of days) {
      for (const group of groupsOf(metrics, day, metricFeature(variant, breakdown))) {
        const value = group.v ?? null;
        byValue.set(value, [...(byValue.get(value) ?? []), group]);
      }
    }
    for (const [value, groups] of byValue) {
      const merged = mergeStoredGroups(groups, stepCount);
      estimated ||= merged.estimated;
      rows.push({ ...merged.group, value });
    }
  }
  return { total: total.group, breakdown: rows, mediansEstimated: estimated };
}
