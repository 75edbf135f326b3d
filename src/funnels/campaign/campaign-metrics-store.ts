import { isStorableName } from '../../store/online-store.validation';
import type { FeatureRow, FeatureScalar, OnlineStore } from '../../store/online-store.port';
import { campaignEntity, COMPUTED_DAYS_ENTITY, type StoredGroup } from './campaign-metrics';

/** What the job records for each entry day it computed, so readers know which windows it used. */
export interface ComputedDay {
  computedAt: number;
  clickThroughWindowMs: number;
  viewThroughWindowMs: number;
}

/** One promotion-day's features: feature name (variant.breakdown) → its groups. */
export interface PromotionDayMetrics {
  promotionId: string;
  day: string;
  features: Readonly<Record<string, readonly StoredGroup[]>>;
}

export interface StoredCampaignMetrics {
  computed: Map<string, ComputedDay>;
  /** day → feature → groups; a computed day without an entry means nobody entered. */
  byDay: Map<string, Map<string, StoredGroup[]>>;
}

function parseJson<T>(value: FeatureScalar | undefined, valid: (parsed: unknown) => parsed is T): T | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    const parsed: unknown = JSON.parse(value);
    return valid(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

const isGroups = (parsed: unknown): parsed is StoredGroup[] => Array.isArray(parsed);
const isComputedDay = (parsed: unknown): parsed is ComputedDay =>
  typeof parsed === 'object' && parsed !== null && typeof (parsed as ComputedDay).clickThroughWindowMs === 'number' && typeof (parsed as ComputedDay).viewThroughWindowMs === 'number';

/**
 * Campaign metrics in the online store: one entity per promotion and entry day, one JSON feature
 * per variant and breakdown (a breakdown is rewritten whole, so a value that disappears on
 * recomputation disappears from the store too), and one entity listing the computed days.
 */
export class CampaignMetricsStore {
  constructor(private readonly store: OnlineStore) {}

  /** Promotion ids that cannot be entity keys (too long, control characters) are served ad hoc instead. */
  static canStore(promotionId: string): boolean {
    return isStorableName(campaignEntity(promotionId, '0000-00-00'));
  }

  /** Writes the metrics, then marks the days computed, so a reader never sees a day half written. */
  async write(metrics: readonly PromotionDayMetrics[], days: ReadonlyMap<string, ComputedDay>, eventTime: number): Promise<void> {
    const rows: FeatureRow[] = metrics
      .filter((metric) => CampaignMetricsStore.canStore(metric.promotionId))
      .map((metric) => ({
        entityKey: campaignEntity(metric.promotionId, metric.day),
        eventTime,
        features: Object.fromEntries(Object.entries(metric.features).map(([name, groups]) => [name, JSON.stringify(groups)])),
      }));
    await this.store.writeBatch(rows);
    const marker = Object.fromEntries([...days].map(([day, computed]) => [day, JSON.stringify(computed)]));
    await this.store.writeBatch([{ entityKey: COMPUTED_DAYS_ENTITY, eventTime, features: marker }]);
  }

  /** Which of `days` the job has computed, and with which windows: one small read of the marker. */
  async readComputedDays(days: readonly string[]): Promise<Map<string, ComputedDay>> {
    const result = await this.store.read([COMPUTED_DAYS_ENTITY], days);
    const computed = new Map<string, ComputedDay>();
    for (const [day, stored] of result.get(COMPUTED_DAYS_ENTITY) ?? []) {
      const value = parseJson(stored.value, isComputedDay);
      if (value) computed.set(day, value);
    }
    return computed;
  }

  /**
   * The marker, then the asked features of every day of the range. Separate reads so the day
   * entities are read by name (a promotion-day also holds breakdowns nobody asked for, with their
   * histograms); the marker first, so a day it names computed was fully written before it.
   */
  async read(promotionId: string, days: readonly string[], features: readonly string[], computedDays?: Map<string, ComputedDay>): Promise<StoredCampaignMetrics> {
    const computed = computedDays ?? (await this.readComputedDays(days));
    const entities = days.map((day) => campaignEntity(promotionId, day));
    const result = await this.store.read(entities, features);
    const byDay = new Map<string, Map<string, StoredGroup[]>>();
    days.forEach((day, index) => {
      const stored = result.get(entities[index] ?? '');
      if (!stored) return;
      const groups = new Map<string, StoredGroup[]>();
      for (const feature of features) {
        const value = parseJson(stored.get(feature)?.value, isGroups);
        if (value) groups.set(feature, value);
      }
      byDay.set(day, groups);
    });
    return { computed, byDay };
  }
}
