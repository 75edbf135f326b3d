import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, LAKE_ENGINE, LOGGER } from '../app/tokens';
import type { AppConfig } from '../config/app-config';
import type { LakeEngine } from '../lake/lake-engine.port';
import { LakeLayout } from '../lake/lake-layout';
import { LakeModule } from '../lake/lake.module';
import type { Logger } from '../shared/logger.port';
import type { OnlineStore } from '../store/online-store.port';
import { openOnlineStore } from '../store/open-online-store';
import { CampaignMetricsStore } from './campaign/campaign-metrics-store';
import { CampaignChartController } from './chart/campaign-chart.controller';
import { FunnelsResolver } from './funnels.resolver';
import { FunnelsService } from './funnels.service';
import { LakeFunnelRunner } from './lake-funnel-runner';

/** The online store the precomputed campaign metrics are read from. */
export const FUNNELS_ONLINE_STORE = Symbol('FUNNELS_ONLINE_STORE');

@Module({
  imports: [LakeModule],
  controllers: [CampaignChartController],
  providers: [
    { provide: FUNNELS_ONLINE_STORE, inject: [APP_CONFIG, LOGGER], useFactory: (config: AppConfig, logger: Logger) => openOnlineStore(config, logger) },
    {
      provide: FunnelsService,
      inject: [LAKE_ENGINE, LakeLayout, FUNNELS_ONLINE_STORE, LOGGER],
      useFactory: (engine: LakeEngine, layout: LakeLayout, store: OnlineStore, logger: Logger) =>
        new FunnelsService(new LakeFunnelRunner(engine, layout), new CampaignMetricsStore(store), logger),
    },
    FunnelsResolver,
  ],
  exports: [FunnelsService],
})
export class FunnelsModule implements OnApplicationShutdown {
  constructor(@Inject(FUNNELS_ONLINE_STORE) private readonly store: OnlineStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
