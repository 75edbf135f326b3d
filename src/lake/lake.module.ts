import { Module, type OnApplicationShutdown, Inject } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG, LAKE_ENGINE } from '../app/tokens';
import type { ReadinessCheck } from '../health/readiness.port';
import { LakeCatalog } from './lake-catalog';
import type { LakeEngine } from './lake-engine.port';
import { LakeLayout } from './lake-layout';
import { LakeResolver } from './lake.resolver';
import { openLakeEngine } from './open-lake-engine';

export const LAKE_READINESS = Symbol('LAKE_READINESS');

@Module({
  providers: [
    { provide: LakeLayout, inject: [APP_CONFIG], useFactory: (config: AppConfig) => new LakeLayout(config.lakeRoot) },
    { provide: LAKE_ENGINE, inject: [APP_CONFIG], useFactory: openLakeEngine },
    { provide: LakeCatalog, inject: [LAKE_ENGINE, LakeLayout], useFactory: (engine: LakeEngine, layout: LakeLayout) => new LakeCatalog(engine, layout) },
    {
      provide: LAKE_READINESS,
      inject: [LAKE_ENGINE],
      useFactory: (engine: LakeEngine): ReadinessCheck => ({ name: 'lake', check: async () => void (await engine.query('SELECT 1 AS ok')) }),
    },
    LakeResolver,
  ],
  exports: [LAKE_ENGINE, LakeLayout, LakeCatalog, LAKE_READINESS],
})
export class LakeModule implements OnApplicationShutdown {
  constructor(@Inject(LAKE_ENGINE) private readonly engine: LakeEngine) {}

  async onApplicationShutdown(): Promise<void> {
    await this.engine.close();
  }
}
