import path from 'node:path';
import { openCache } from '../cache/open-cache';
import type { AppConfig } from '../config/app-config';
import { CacheInvalidatingOnlineStore } from '../features/serving/cache-invalidating-online-store';
import { FeatureRegistry } from '../features/feature-registry';
import { LakeLayout } from '../lake/lake-layout';
import { openSegmentRepository } from '../segments/open-segment-repository';
import { RealtimeSegments } from '../segments/realtime/realtime-segments';
import { BusSegmentChangeSink, SEGMENT_CHANGES_TOPIC } from '../segments/realtime/segment-change-sink';
import { SegmentEvaluatingStore } from '../segments/realtime/segment-evaluating-store';
import { SegmentCatalog } from '../segments/segment-catalog';
import type { SegmentRepository } from '../segments/segment-repository.port';
import type { Logger } from '../shared/logger.port';
import type { OnlineStore } from '../store/online-store.port';
import { CassandraOnlineStore } from '../store/cassandra/cassandra-online-store';
import { openOnlineStore } from '../store/open-online-store';
import { CollectorService } from './collector/collector.service';
import { RateLimiter } from './collector/rate-limiter';
import { RawZoneAppender } from './collector/raw-zone-appender';
import { WriteKeyAuthenticator } from './collector/write-key-authenticator';
import { StreamConsumer } from './consumer/stream-consumer';
import { BusDeadLetters } from './dead-letter/bus-dead-letters';
import type { DeadLetterQueue } from './dead-letter/dead-letter-queue.port';
import { FolderDeadLetters } from './dead-letter/folder-dead-letters';
import { EmbeddedLagProbe } from './embedded/embedded-lag-probe';
import type { EventBus } from './event-bus.port';
import { FeatureProjector } from './features/feature-projector';
import type { StreamIdentity } from './identity/stream-identity.port';
import { openStreamIdentity } from './identity/open-stream-identity';
import { KafkaLagProbe } from './kafka/kafka-lag-probe';
import type { LagProbe } from './metrics/lag-probe.port';
import { StreamMetrics } from './metrics/stream-metrics';
import { embeddedBusDir, openEventBus } from './open-event-bus';
import { eventTopics } from './stream-config';

export interface StreamRuntimeOptions {
  logger: Logger;
  /** The online store to write features through (the serving layer's cache-invalidating one, when it exists). */
  store?: OnlineStore;
  /** The identity service's adapter; without one, the consumer opens the configured identity store. */
  identity?: StreamIdentity;
}

/**
 * Everything the stream needs, wired from configuration: bus, raw zone, dead letters, collector,
 * consumer and metrics. The API module, the CLI commands and the tests all start here, so each
 * runs the same parts the same way. close() stops the consumer first (it commits what it
 * finished), then releases the rest.
 */
export class StreamRuntime {
  private consumerInstance: StreamConsumer | undefined;
  private storeInstance: OnlineStore | undefined;
  private closeCache: (() => Promise<void>) | undefined;
  private closeIdentity: (() => Promise<void>) | undefined;
  private segmentRepository: SegmentRepository | undefined;
  private probe: LagProbe | undefined;

  private constructor(
    readonly config: AppConfig,
    readonly bus: EventBus,
    readonly deadLetters: DeadLetterQueue,
    readonly rawLog: RawZoneAppender,
    readonly metrics: StreamMetrics,
    readonly collector: CollectorService,
    private readonly options: StreamRuntimeOptions,
  ) {}

  static async open(config: AppConfig, options: StreamRuntimeOptions): Promise<StreamRuntime> {
    const bus = await openEventBus(config, options.logger);
    try {
      const { topics } = config.stream;
      await bus.ensureTopics([...eventTopics(topics), topics.deadLetters, SEGMENT_CHANGES_TOPIC]);
      const deadLetters =
        config.adapters.bus === 'kafka'
          ? new BusDeadLetters(bus, config.kafka, topics.deadLetters, `${config.stream.group}-dead-letter-replay`, options.logger)
          : await FolderDeadLetters.open(path.join(config.home, 'dead-letters'));
      const rawLog = new RawZoneAppender(new LakeLayout(config.lakeRoot));
      const metrics = new StreamMetrics();
      const collector = new CollectorService({
        writeKeys: new WriteKeyAuthenticator(config.stream.writeKeys),
        rateLimiter: new RateLimiter(config.stream.rateLimitPerSecond),
        rawLog,
        bus,
        deadLetters,
        topics,
        metrics,
        logger: options.logger,
      });
      return new StreamRuntime(config, bus, deadLetters, rawLog, metrics, collector, options);
    } catch (error) {
      await bus.close();
      throw error;
    }
  }

  /**
   * Starts the real-time feature consumers in this process, and reports their lag on /metrics.
   * Features are written through the segment-evaluating store, so a streamed change moves the
   * customer into or out of segments at once and the change goes out on the segment change feed.
   */
  async startConsumer(): Promise<StreamConsumer> {
    if (this.consumerInstance) return this.consumerInstance;
    const { logger } = this.options;
    const features = this.options.store ?? (await this.openStore());
    const repository = (this.segmentRepository ??= await openSegmentRepository(this.config));
    const catalog = new SegmentCatalog(repository, new FeatureRegistry(), logger);
    const store = new SegmentEvaluatingStore(features, new RealtimeSegments(catalog, features, new BusSegmentChangeSink(this.bus), logger), logger);
    let identity = this.options.identity;
    if (!identity) {
      const opened = await openStreamIdentity(this.config, this.options.logger, { cassandraConcurrency: CONSUMER_CASSANDRA_CONCURRENCY, assignmentCacheMs: CONSUMER_ASSIGNMENT_CACHE_MS });
      identity = opened.identity;
      this.closeIdentity = opened.close;
    }
    const topics = eventTopics(this.config.stream.topics);
    const consumer = new StreamConsumer({
      bus: this.bus,
      group: this.config.stream.group,
      topics,
      projector: new FeatureProjector(store, identity),
      deadLetters: this.deadLetters,
      metrics: this.metrics,
      logger: this.options.logger,
    });
    await consumer.start();
    this.consumerInstance = consumer;
    this.probe =
      this.config.adapters.bus === 'kafka'
        ? KafkaLagProbe.create(this.config.kafka, this.config.stream.group, topics, this.options.logger)
        : new EmbeddedLagProbe(embeddedBusDir(this.config), this.config.stream.group, topics);
    this.metrics.watchLag(this.probe);
    return consumer;
  }

  /**
   * The consumers' own online store. With a shared cache (Redis) their writes go through
   * CacheInvalidatingOnlineStore, as materialization's do, so API processes serve a streamed change
   * at once instead of the cached values until they expire.
   */
  private async openStore(): Promise<OnlineStore> {
    const { logger } = this.options;
    const store = await openConsumerStore(this.config, logger);
    if (this.config.adapters.cache !== 'redis') return (this.storeInstance = store);
    try {
      const cache = await openCache(this.config, logger);
      this.closeCache = () => cache.close();
      return (this.storeInstance = new CacheInvalidatingOnlineStore(store, cache, { logger }));
    } catch (error) {
      await store.close();
      throw error;
    }
  }

  /** Stop fetching, finish and commit the batch in hand, leave the group; then close everything this runtime opened. */
  async close(): Promise<void> {
    await this.consumerInstance?.stop();
    this.consumerInstance = undefined;
    await this.rawLog.close();
    await this.deadLetters.close();
    await this.bus.close();
    await this.probe?.close();
    // The invalidating store closes the store it wraps; the cache only after the last write's delete.
    await this.storeInstance?.close();
    await this.closeCache?.();
    this.closeCache = undefined;
    await this.segmentRepository?.close();
    this.segmentRepository = undefined;
    await this.closeIdentity?.();
    this.closeIdentity = undefined;
  }
}

// Requests in flight to Cassandra: the consumer writes a few thousand small partitions per batch,
// and Cassandra's per-request overhead, not its write path, bounds throughput (a measured 4.7k
// partitions/s at the adapter's default 64, 8k at 256 on the benchmark machine).
const CONSUMER_CASSANDRA_CONCURRENCY = 256;

// How long the consumers trust an identity assignment they read or wrote: as long as the
// projector trusts a loaded customer, so links made elsewhere reach the stream within one bound.
const CONSUMER_ASSIGNMENT_CACHE_MS = 60_000;

async function openConsumerStore(config: AppConfig, logger: Logger): Promise<OnlineStore> {
  if (config.adapters.store === 'cassandra') return CassandraOnlineStore.connect(config.cassandra, { logger, concurrency: CONSUMER_CASSANDRA_CONCURRENCY });
  return openOnlineStore(config, logger);
}
