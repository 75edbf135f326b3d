import type { LakeEngine } from '../../lake/lake-engine.port';
import { isDay, type LakeLayout } from '../../lake/lake-layout';
import { daysBetween } from '../../lake/processing/day-range';
import type { Logger } from '../../shared/logger.port';
import type { FunnelGroupStats } from '../funnel-stats';
import { LakeFunnelRunner } from '../lake-funnel-runner';
import {
  campaignFunnelSpec,
  CAMPAIGN_VARIANTS,
  DEFAULT_CLICK_THROUGH_WINDOW_MS,
  DEFAULT_VIEW_THROUGH_WINDOW_MS,
  type CampaignVariant,
} from './campaign-funnels';
import { metricFeature, METRIC_BREAKDOWNS, toStoredGroup, type MetricBreakdown, type StoredGroup } from './campaign-metrics';
import { promotionsWritten, writeMetricsPartitions, type CampaignMetricRow } from './campaign-metrics-parquet';
import type { CampaignMetricsStore, ComputedDay, PromotionDayMetrics } from './campaign-metrics-store';

export interface CampaignMetricsRun {
  /** The run date: entry days up to and including it are computed. */
  date: string;
  /**
   * Earlier entry days recomputed too. An entry on day D keeps converting until D + window, and
   * late events land for days, so the default is the click-through window (7 days).
   */
  lookbackDays?: number;
}

export interface CampaignMetricsSummary {
  from: string;
  to: string;
  promotions: number;
  promotionDays: number;
  parquetRows: number;
  ms: number;
}

export const DEFAULT_METRICS_LOOKBACK_DAYS = 7;

export function shiftDay(day: string, delta: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + delta);
  return date.toISOString().slice(0, 10);
}

const WINDOWS: Readonly<Record<CampaignVariant, number>> = {
  click_through: DEFAULT_CLICK_THROUGH_WINDOW_MS,
  view_through: DEFAULT_VIEW_THROUGH_WINDOW_MS,
};

function emptyFeatures(): Record<string, StoredGroup[]> {
  return Object.fromEntries(CAMPAIGN_VARIANTS.flatMap((variant) => METRIC_BREAKDOWNS.map((breakdown) => [metricFeature(variant, breakdown), []])));
}

/**
 * The daily campaign metrics: every promotion's funnels per entry day, both variants, every
 * breakdown, written to the metrics zone (Parquet, for analysts and Athena) and to the online
 * store (for the API). It runs the same funnel SQL as ad hoc queries, with histograms added.
 */
export class CampaignMetricsJob {
  constructor(
    private readonly engine: LakeEngine,
    private readonly layout: LakeLayout,
    private readonly store: CampaignMetricsStore,
    private readonly logger: Logger,
    private readonly clock: () => number = Date.now,
  ) {}

  async run(request: CampaignMetricsRun): Promise<CampaignMetricsSummary> {
    if (this.engine.dialect !== 'duckdb') throw new Error(`funnels.campaign-metrics writes the local metrics zone with DuckDB (got ${this.engine.dialect})`);
    if (!isDay(request.date)) throw new Error(`date must be a day as YYYY-MM-DD (got "${request.date}")`);
    const started = this.clock();
    const to = request.date;
    const from = shiftDay(to, -(request.lookbackDays ?? DEFAULT_METRICS_LOOKBACK_DAYS));
    const days = daysBetween(from, to);
    const computedAt = this.clock();

    const entities = new Map<string, PromotionDayMetrics & { features: Record<string, StoredGroup[]> }>();
    const rowsByDay = new Map<string, CampaignMetricRow[]>(days.map((day) => [day, []]));
    const runner = new LakeFunnelRunner(this.engine, this.layout);
    for (const variant of CAMPAIGN_VARIANTS) {
      for (const breakdown of METRIC_BREAKDOWNS) {
        const spec = campaignFunnelSpec(variant, 'every-promotion', {
          from,
          to,
          windowMs: WINDOWS[variant],
          breakdown: breakdown === 'total' ? undefined : breakdown,
          perDay: true,
        });
        const groups = await runner.run(spec, { histograms: true });
        const names = spec.steps.map((step) => step.name);
        for (const group of groups) {
          const promotionId = group.promotionId ?? '';
          const day = group.day ?? '';
          const key = `${promotionId}\u0000${day}`;
          const entity = entities.get(key) ?? { promotionId, day, features: emptyFeatures() };
          entity.features[metricFeature(variant, breakdown)]?.push(toStoredGroup(group));
          entities.set(key, entity);
          rowsByDay.get(day)?.push(...this.parquetRows(group, variant, breakdown, names, computedAt));
        }
        this.logger.info('funnels.campaign-metrics: computed', { variant, breakdown, groups: groups.length });
      }
    }

    // A promotion an earlier run wrote for a day but that has no entries now (late data changed
    // the day) gets empty features, so the online store does not keep serving the old numbers.
    for (const day of days) {
      for (const promotionId of await promotionsWritten(this.engine, this.layout, day)) {
        const key = `${promotionId}\u0000${day}`;
        if (!entities.has(key)) entities.set(key, { promotionId, day, features: emptyFeatures() });
      }
    }

    await writeMetricsPartitions(this.engine, this.layout, rowsByDay);
    const computed: ComputedDay = { computedAt, clickThroughWindowMs: WINDOWS.click_through, viewThroughWindowMs: WINDOWS.view_through };
    await this.store.write([...entities.values()], new Map(days.map((day) => [day, computed])), computedAt);
    const summary: CampaignMetricsSummary = {
      from,
      to,
      promotions: new Set([...entities.values()].map((entity) => entity.promotionId)).size,
      promotionDays: entities.size,
      parquetRows: [...rowsByDay.values()].reduce((sum, rows) => sum + rows.length, 0),
      ms: this.clock() - started,
    };
    this.logger.info('funnels.campaign-metrics: done', { from, to, promotionDays: summary.promotionDays, ms: summary.ms });
    return summary;
  }

  private parquetRows(group: FunnelGroupStats, variant: CampaignVariant, breakdown: MetricBreakdown, names: readonly string[], computedAt: number): CampaignMetricRow[] {
    const histogram = (value: Record<string, number> | undefined) => (value && Object.keys(value).length > 0 ? JSON.stringify(value) : null);
    return group.steps.map((step, index) => ({
      promotion_id: group.promotionId ?? '',
      variant,
      breakdown,
      breakdown_value: group.value ?? null,
      step: index + 1,
      step_name: names[index] ?? '',
      customers: step.customers,
      median_from_previous_ms: step.medianFromPreviousMs,
      median_from_first_ms: step.medianFromFirstMs,
      from_previous_histogram: histogram(step.fromPrevious),
      from_first_histogram: histogram(step.fromFirst),
      revenue: group.revenue,
      window_ms: WINDOWS[variant],
      computed_at: new Date(computedAt).toISOString().replace('T', ' ').replace('Z', ''),
    }));
  }
}
