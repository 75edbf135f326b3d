import { daysBetween } from '../lake/processing/day-range';
import { DomainError } from '../shared/domain-error';
import type { Logger } from '../shared/logger.port';
import {
  campaignFunnelSpec,
  CAMPAIGN_VARIANTS,
  DEFAULT_CLICK_THROUGH_WINDOW_MS,
  DEFAULT_VIEW_THROUGH_WINDOW_MS,
  type CampaignVariant,
} from './campaign/campaign-funnels';
import { CampaignMetricsStore, type ComputedDay } from './campaign/campaign-metrics-store';
import { featuresFor, sumPrecomputed } from './campaign/precomputed-campaign';
import { PrecomputedCache } from './campaign/precomputed-cache';
import type { Breakdown, FunnelSpec } from './funnel-definition';
import { breakdownReports, emptyGroup, stepReports, type FunnelReport, type FunnelSource } from './funnel-report';
import type { FunnelRunner } from './funnel-runner.port';
import type { FunnelGroupStats } from './funnel-stats';
import { validateBreakdown, validateFunnelRequest, validateRange, type FunnelRequest } from './funnel-validation';
import { formatWindow, parseWindow } from './funnel-window';

export interface CampaignFunnelRequest {
  promotionId: string;
  from: string;
  to: string;
  /** Click-through window; default 7d. */
  window?: string | null;
  /** View-through window; default 1d. */
  viewThroughWindow?: string | null;
  breakdown?: string | null;
  /** Skip the precomputed metrics (the CLI's --ad-hoc; tests comparing both paths). */
  adHoc?: boolean;
}

/** The click-through funnel at the top level, so `steps` reads first; view-through beside it. */
export interface CampaignFunnelReport extends FunnelReport {
  promotionId: string;
  viewThrough: FunnelReport;
}

interface Computed {
  total: FunnelGroupStats;
  breakdown: FunnelGroupStats[];
  mediansEstimated: boolean;
}

const MAX_PROMOTION_ID = 500;

const DEFAULT_WINDOWS: Readonly<Record<CampaignVariant, number>> = {
  click_through: DEFAULT_CLICK_THROUGH_WINDOW_MS,
  view_through: DEFAULT_VIEW_THROUGH_WINDOW_MS,
};

/** Which window of a computed day a variant's metrics were computed with. */
const WINDOW_FIELD: Readonly<Record<CampaignVariant, keyof ComputedDay>> = {
  click_through: 'clickThroughWindowMs',
  view_through: 'viewThroughWindowMs',
};

function promotionIdOf(value: string): string {
  if (value.trim() === '' || value.length > MAX_PROMOTION_ID || [...value].some((character) => character.charCodeAt(0) < 0x20)) {
    throw new DomainError('BAD_USER_INPUT', `promotionId must be 1-${MAX_PROMOTION_ID} printable characters`);
  }
  return value;
}

/**
 * Funnels for the API and the CLI: ad hoc funnels on the lake engine, and the campaign funnel,
 * answered from the precomputed daily metrics when they cover the request and ad hoc otherwise.
 */
export class FunnelsService {
  private readonly precomputedCache = new PrecomputedCache<Map<CampaignVariant, Computed>>();

  constructor(
    private readonly runner: FunnelRunner,
    private readonly metrics: CampaignMetricsStore | undefined,
    private readonly logger: Logger,
  ) {}

  async funnel(request: FunnelRequest): Promise<FunnelReport> {
    const spec = validateFunnelRequest(request);
    return this.report(spec, await this.adHoc(spec), 'ad_hoc');
  }

  async campaignFunnel(request: CampaignFunnelRequest): Promise<CampaignFunnelReport> {
    const promotionId = promotionIdOf(request.promotionId);
    validateRange(request.from, request.to);
    const breakdown = validateBreakdown(request.breakdown);
    const windows: Record<CampaignVariant, number> = {
      click_through: parseWindow(request.window ?? formatWindow(DEFAULT_WINDOWS.click_through), 'window'),
      view_through: parseWindow(request.viewThroughWindow ?? formatWindow(DEFAULT_WINDOWS.view_through), 'viewThroughWindow'),
    };
    const specOf = (variant: CampaignVariant) =>
      campaignFunnelSpec(variant, { promotionId }, { from: request.from, to: request.to, windowMs: windows[variant], breakdown });

    const precomputed = request.adHoc ? new Map<CampaignVariant, Computed>() : await this.precomputed(promotionId, request.from, request.to, windows, breakdown);
    const [click, view] = await Promise.all(
      CAMPAIGN_VARIANTS.map(async (variant) => {
        const spec = specOf(variant);
        const stored = precomputed.get(variant);
        return stored ? this.report(spec, stored, 'precomputed') : this.report(spec, await this.adHoc(spec), 'ad_hoc');
      }),
    );
    if (!click || !view) throw new Error('campaign funnel variants missing');
    return { promotionId, ...click, viewThrough: view };
  }

  /**
   * The variants the online store can answer exactly as asked: default window, every day of the
   * range computed, and a promotion id that can be an entity key. Others are answered ad hoc.
   */
  private async precomputed(
    promotionId: string,
    from: string,
    to: string,
    windows: Record<CampaignVariant, number>,
    breakdown: Breakdown | undefined,
  ): Promise<Map<CampaignVariant, Computed>> {
    const result = new Map<CampaignVariant, Computed>();
    const variants = CAMPAIGN_VARIANTS.filter((variant) => windows[variant] === DEFAULT_WINDOWS[variant]);
    if (!this.metrics || !CampaignMetricsStore.canStore(promotionId) || variants.length === 0) return result;
    const days = daysBetween(from, to);
    const computedDays = await this.metrics.readComputedDays(days);
    const key = JSON.stringify([promotionId, from, to, breakdown ?? null, windows.click_through, windows.view_through]);
    const version = PrecomputedCache.versionOf(days, computedDays);
    const cached = this.precomputedCache.get(key, version);
    if (cached) return cached;
    const stored = await this.metrics.read(promotionId, days, variants.flatMap((variant) => featuresFor(variant, breakdown)), computedDays);
    for (const variant of variants) {
      const covered = days.every((day) => stored.computed.get(day)?.[WINDOW_FIELD[variant]] === windows[variant]);
      if (!covered) {
        this.logger.info('funnels: precomputed metrics do not cover the range; answering ad hoc', { variant, from, to });
        continue;
      }
      const spec = campaignFunnelSpec(variant, { promotionId }, { from, to, windowMs: windows[variant] });
      result.set(variant, sumPrecomputed(stored, days, variant, breakdown, spec.steps.length, true));
    }
    this.precomputedCache.set(key, version, result);
    return result;
  }

  private async adHoc(spec: FunnelSpec): Promise<Computed> {
    const endsWithOrder = spec.steps[spec.steps.length - 1]?.kind === 'order';
    const [total, breakdown] = await Promise.all([
      this.runner.run({ ...spec, breakdown: undefined }),
      spec.breakdown ? this.runner.run(spec) : Promise.resolve([]),
    ]);
    return { total: total[0] ?? emptyGroup(spec.steps.length, endsWithOrder), breakdown, mediansEstimated: false };
  }

  private report(spec: FunnelSpec, computed: Computed, source: FunnelSource): FunnelReport {
    const names = spec.steps.map((step) => step.name);
    return {
      from: spec.from,
      to: spec.to,
      window: formatWindow(spec.windowMs),
      windowSeconds: spec.windowMs / 1000,
      counting: spec.unit,
      source,
      mediansEstimated: computed.mediansEstimated,
      steps: stepReports(names, computed.total.steps),
      revenue: computed.total.revenue,
      breakdown: spec.breakdown ?? null,
      breakdownRows: breakdownReports(names, computed.breakdown),
    };
  }
}
