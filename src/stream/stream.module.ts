import { Inject, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { APP_CONFIG, LOGGER } from '../app/tokens';
import type { AppConfig } from '../config/app-config';
import type { Logger } from '../shared/logger.port';
import { registerCollectorRoutes } from './collector/collector.routes';
import { registerMetricsRoute } from './metrics/metrics.route';
import { StreamRuntime } from './stream-runtime';

export const STREAM_RUNTIME = Symbol('STREAM_RUNTIME');

/**
 * The stream at the API's edge: the collector's `/v1/*` routes and `/metrics` go straight onto
 * Fastify (the collector needs the raw body and its own status codes), and, unless
 * C360_STREAM_CONSUME=false, the feature consumers run in this process. Nest calls
 * onApplicationShutdown on SIGTERM (enableShutdownHooks): the consumers stop fetching, finish and
 * commit their batch, and disconnect.
 */
@Module({
  providers: [{ provide: STREAM_RUNTIME, inject: [APP_CONFIG, LOGGER], useFactory: (config: AppConfig, logger: Logger) => StreamRuntime.open(config, { logger }) }],
  exports: [STREAM_RUNTIME],
})
export class StreamModule implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(STREAM_RUNTIME) private readonly runtime: StreamRuntime,
    @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onModuleInit(): Promise<void> {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    registerCollectorRoutes(fastify, this.runtime.collector, this.config.stream.maxRequestBytes);
    registerMetricsRoute(fastify, this.runtime.metrics);
    if (this.config.stream.usingDevWriteKey) this.logger.warn('no C360_WRITE_KEYS configured: the collector accepts the development write key (embedded profile only)');
    if (this.config.stream.writeKeys.length === 0) this.logger.warn('no C360_WRITE_KEYS configured: the collector refuses every call (401)');
    if (this.config.stream.consumeInServe) await this.runtime.startConsumer();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runtime.close();
  }
}
