import { customerEntityKey } from '../../features/feature-definition';
import type { Logger } from '../../shared/logger.port';
import type { FeatureScalar, OnlineStore } from '../../store/online-store.port';
import { featuresOf } from '../definition/segment-condition';
import { CONSENT_FEATURE, membershipRow, SEGMENTS_FEATURE } from '../online/online-memberships';
import { compilePartialPredicate, type PartialFacts } from '../predicate/segment-predicate';
import type { SegmentCatalog } from '../segment-catalog';
import { SegmentsException } from '../segments.exception';
import type { SegmentChange, SegmentChangeSink } from './segment-change-sink';

interface CompiledSegment {
  id: string;
  verdict: (facts: PartialFacts) => boolean | undefined;
}

interface Compiled {
  day: string;
  loadedAt: number;
  segments: CompiledSegment[];
  features: ReadonlySet<string>;
}

export interface RealtimeSummary {
  customers: number;
  entered: number;
  exited: number;
  /** (customer, segment) pairs only the events could decide, left as the daily run found them. */
  undecided: number;
}

export interface RealtimeSegmentsOptions {
  now?: () => number;
  /** How long compiled definitions are trusted before the catalog is read again; default 60 s. */
  refreshMs?: number;
}

/**
 * Real-time entry and exit: when a customer's features change, every active segment is evaluated
 * on their current online features with the in-memory predicate (as of today), and their segment
 * list and the change feed are updated. The stream knows features, not event history, so event
 * conditions are unknown here: a verdict the features decide is applied at once (in either
 * direction), one only events could decide waits for the daily run. Consent comes from the
 * online store; an opted-out customer leaves every segment.
 */
export class RealtimeSegments {
  private compiled?: Compiled;
  private readonly now: () => number;
  private readonly refreshMs: number;

  constructor(
    private readonly catalog: SegmentCatalog,
    private readonly store: OnlineStore,
    private readonly sink: SegmentChangeSink,
    private readonly logger: Logger,
    options: RealtimeSegmentsOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.refreshMs = options.refreshMs ?? 60_000;
  }

  /** The features some active segment reads (and consent): writes of other features change no membership. */
  async watchedFeatures(): Promise<ReadonlySet<string>> {
    return (await this.segments()).features;
  }

  async evaluate(customerIds: readonly string[]): Promise<RealtimeSummary> {
    const compiled = await this.segments();
    const unique = [...new Set(customerIds)];
    const summary: RealtimeSummary = { customers: unique.length, entered: 0, exited: 0, undecided: 0 };
    if (unique.length === 0 || compiled.segments.length === 0) return summary;
    const stored = await this.store.read(unique.map(customerEntityKey), [...compiled.features, SEGMENTS_FEATURE]);
    const at = this.now();
    const rows = [];
    const changes: SegmentChange[] = [];
    for (const customerId of unique) {
      const cells = stored.get(customerEntityKey(customerId)) ?? new Map();
      const features: Record<string, FeatureScalar> = {};
      for (const [name, cell] of cells) features[name] = cell.value;
      const current = Array.isArray(features[SEGMENTS_FEATURE]) ? (features[SEGMENTS_FEATURE] as string[]) : [];
      const facts: PartialFacts = { features, events: undefined, optedOut: features[CONSENT_FEATURE] === true };
      const next = new Set(current);
      for (const segment of compiled.segments) {
        const verdict = segment.verdict(facts);
        if (verdict === undefined) summary.undecided++;
        else if (verdict && !next.has(segment.id)) {
          next.add(segment.id);
          changes.push({ segmentId: segment.id, customerId, change: 'entered', at: new Date(at).toISOString(), source: 'stream' });
          summary.entered++;
        } else if (!verdict && next.has(segment.id)) {
          next.delete(segment.id);
          changes.push({ segmentId: segment.id, customerId, change: 'exited', at: new Date(at).toISOString(), source: 'stream' });
          summary.exited++;
        }
      }
      if (next.size !== current.length || current.some((id) => !next.has(id))) rows.push(membershipRow(customerId, [...next], at));
    }
    if (rows.length > 0) await this.store.writeBatch(rows);
    await this.sink.publish(changes);
    return summary;
  }

  /** Active segments compiled as of today; reloaded when stale or when the day turns. */
  private async segments(): Promise<Compiled> {
    const now = this.now();
    const day = new Date(now).toISOString().slice(0, 10);
    if (this.compiled && this.compiled.day === day && now - this.compiled.loadedAt < this.refreshMs) return this.compiled;
    const segments: CompiledSegment[] = [];
    const features = new Set<string>([CONSENT_FEATURE]);
    for (const segment of await this.catalog.list()) {
      try {
        const checked = await this.catalog.check(segment.definition, segment.id);
        segments.push({ id: segment.id, verdict: compilePartialPredicate(checked, day) });
        for (const feature of featuresOf(checked)) features.add(feature.name);
      } catch (error) {
        if (!(error instanceof SegmentsException)) throw error;
        this.logger.warn('segments.realtime: definition no longer checks; not evaluated', { segmentId: segment.id, reason: error.reason });
      }
    }
    this.compiled = { day, loadedAt: now, segments, features };
    return this.compiled;
  }
}
