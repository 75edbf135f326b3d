import type { Logger } from '../../shared/logger.port';
import type { FeatureReadResult, FeatureRow, OnlineStore } from '../../store/online-store.port';
import type { RealtimeSegments } from './realtime-segments';

const CUSTOMER_PREFIX = 'customer:';

/**
 * An online store that re-evaluates segments after writes: the stream's feature projector writes
 * through it, and every customer whose write touched a feature some segment reads is evaluated
 * right after the write. Evaluation failures are logged, not thrown: a broken segment must not
 * stop features from streaming (the daily run still settles every membership).
 */
export class SegmentEvaluatingStore implements OnlineStore {
  constructor(
    private readonly inner: OnlineStore,
    private readonly realtime: RealtimeSegments,
    private readonly logger: Logger,
  ) {}

  async writeBatch(rows: readonly FeatureRow[]): Promise<void> {
    await this.inner.writeBatch(rows);
    try {
      const watched = await this.realtime.watchedFeatures();
      const customers = rows
        .filter((row) => row.entityKey.startsWith(CUSTOMER_PREFIX) && Object.keys(row.features).some((name) => watched.has(name)))
        .map((row) => row.entityKey.slice(CUSTOMER_PREFIX.length));
      if (customers.length > 0) await this.realtime.evaluate(customers);
    } catch (error) {
      this.logger.warn('segments.realtime: evaluation failed; memberships settle at the next daily run', { error: error instanceof Error ? error.name : 'unknown' });
    }
  }

  read(entityKeys: readonly string[], featureNames?: readonly string[]): Promise<FeatureReadResult> {
    return this.inner.read(entityKeys, featureNames);
  }

  deleteEntities(entityKeys: readonly string[]): Promise<void> {
    return this.inner.deleteEntities(entityKeys);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
