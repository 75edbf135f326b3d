import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, LAKE_ENGINE, LOGGER } from '../app/tokens';
import type { AppConfig } from '../config/app-config';
import { FeatureRegistry } from '../features/feature-registry';
import type { LakeEngine } from '../lake/lake-engine.port';
import { LakeLayout } from '../lake/lake-layout';
import { LakeModule } from '../lake/lake.module';
import type { Logger } from '../shared/logger.port';
import type { OnlineStore } from '../store/online-store.port';
import { openOnlineStore } from '../store/open-online-store';
import { CustomerSegmentsResolver } from './api/customer-segments.resolver';
import { SegmentsResolver } from './api/segments.resolver';
import { openSegmentRepository } from './open-segment-repository';
import { SegmentAudiences } from './segment-audiences';
import { SegmentCatalog } from './segment-catalog';
import type { SegmentRepository } from './segment-repository.port';

export const SEGMENT_REPOSITORY = Symbol('SEGMENT_REPOSITORY');
export const SEGMENTS_ONLINE_STORE = Symbol('SEGMENTS_ONLINE_STORE');

/**
 * Segments over GraphQL: definitions (create, update, archive, history), previews on the lake,
 * members of the daily snapshots, membership answers from the online store, and `Customer.segments`
 * on identity's Customer type. Exports the
 * services for domains that show a customer's segments.
 */
@Module({
  imports: [LakeModule],
  providers: [
    { provide: SEGMENT_REPOSITORY, inject: [APP_CONFIG], useFactory: openSegmentRepository },
    { provide: SEGMENTS_ONLINE_STORE, inject: [APP_CONFIG, LOGGER], useFactory: (config: AppConfig, logger: Logger) => openOnlineStore(config, logger) },
    {
      provide: SegmentCatalog,
      inject: [SEGMENT_REPOSITORY, LOGGER],
      useFactory: (repository: SegmentRepository, logger: Logger) => new SegmentCatalog(repository, new FeatureRegistry(), logger),
    },
    {
      provide: SegmentAudiences,
      inject: [SegmentCatalog, LAKE_ENGINE, LakeLayout, SEGMENTS_ONLINE_STORE],
      useFactory: (catalog: SegmentCatalog, engine: LakeEngine, layout: LakeLayout, store: OnlineStore) => new SegmentAudiences(catalog, engine, layout, store),
    },
    SegmentsResolver,
    CustomerSegmentsResolver,
  ],
  exports: [SegmentCatalog, SegmentAudiences],
})
export class SegmentsModule implements OnApplicationShutdown {
  constructor(
    @Inject(SEGMENT_REPOSITORY) private readonly repository: SegmentRepository,
    @Inject(SEGMENTS_ONLINE_STORE) private readonly store: OnlineStore,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([this.repository.close(), this.store.close()]);
  }
}
