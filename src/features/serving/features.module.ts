import { Inject, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { APP_CONFIG, LOGGER } from '../../app/tokens';
import type { Cache } from '../../cache/cache.port';
import { openCache } from '../../cache/open-cache';
import type { AppConfig } from '../../config/app-config';
import type { Logger } from '../../shared/logger.port';
import type { OnlineStore } from '../../store/online-store.port';
import { openOnlineStore } from '../../store/open-online-store';
import { FeatureRegistry } from '../feature-registry';
import { CacheInvalidatingOnlineStore } from './cache-invalidating-online-store';
import { GetOnlineFeaturesController } from './feast/get-online-features.controller';
import { CustomerFeaturesResolver } from './graphql/customer-features.resolver';
import { FeaturesResolver } from './graphql/features.resolver';
import { inlinePlainFields } from './graphql/inline-plain-fields';
import { OnlineFeatureReader } from './online-feature-reader';
import { RestExceptionFilter } from './rest-exception.filter';
import { FEATURE_CACHE, FEATURE_WRITE_STORE, SERVING_ONLINE_STORE } from './serving.tokens';

/** The object types of the features hot path, whose fields are plain data (see inlinePlainFields). */
const SERVED_VALUE_TYPES = ['EntityFeatures', 'FeatureValue'];

/**
 * Feature serving: GraphQL `features` and `Customer.features`, and Feast's `POST
 * /get-online-features`, reading the configured online store through the configured cache. Exports
 * FEATURE_WRITE_STORE, the store in-process writers must use so the cache they share with serving
 * is invalidated.
 */
@Module({
  controllers: [GetOnlineFeaturesController],
  providers: [
    { provide: FeatureRegistry, useFactory: () => new FeatureRegistry() },
    { provide: SERVING_ONLINE_STORE, inject: [APP_CONFIG, LOGGER], useFactory: (config: AppConfig, logger: Logger) => openOnlineStore(config, logger) },
    { provide: FEATURE_CACHE, inject: [APP_CONFIG, LOGGER], useFactory: (config: AppConfig, logger: Logger) => openCache(config, logger) },
    {
      provide: FEATURE_WRITE_STORE,
      inject: [SERVING_ONLINE_STORE, FEATURE_CACHE, LOGGER],
      useFactory: (store: OnlineStore, cache: Cache, logger: Logger) => new CacheInvalidatingOnlineStore(store, cache, { logger }),
    },
    {
      provide: OnlineFeatureReader,
      inject: [SERVING_ONLINE_STORE, FEATURE_CACHE, FeatureRegistry, LOGGER],
      useFactory: (store: OnlineStore, cache: Cache, registry: FeatureRegistry, logger: Logger) => new OnlineFeatureReader(store, cache, registry, { logger }),
    },
    RestExceptionFilter,
    FeaturesResolver,
    CustomerFeaturesResolver,
  ],
  exports: [FeatureRegistry, OnlineFeatureReader, FEATURE_WRITE_STORE],
})
export class FeaturesModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(FEATURE_WRITE_STORE) private readonly writeStore: OnlineStore,
    @Inject(FEATURE_CACHE) private readonly cache: Cache,
    @Inject(ModuleRef) private readonly moduleRef: ModuleRef,
  ) {}

  /** After the GraphQL module built the schema (onModuleInit), before any query compiles. */
  onApplicationBootstrap(): void {
    let schemaHost: GraphQLSchemaHost;
    try {
      schemaHost = this.moduleRef.get(GraphQLSchemaHost, { strict: false });
    } catch {
      return; // an application without GraphQL (REST only)
    }
    inlinePlainFields(schemaHost.schema, SERVED_VALUE_TYPES);
  }

  async onApplicationShutdown(): Promise<void> {
    // The write store closes the store it wraps (and its pending re-deletes), then the cache goes.
    await this.writeStore.close();
    await this.cache.close();
  }
}
