import { type DynamicModule, Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ScopeGuard } from '../auth/scope.guard';
import type { AppConfig } from '../config/app-config';
import { C360GraphqlModule } from '../graphql/graphql.module';
import { HealthModule } from '../health/health.module';
import { LakeModule } from '../lake/lake.module';
import { DOMAIN_MODULES } from './domain-modules';
import type { Logger } from '../shared/logger.port';
import { APP_CONFIG, LOGGER } from './tokens';

@Global()
@Module({})
class CoreModule {
  static forRoot(config: AppConfig, logger: Logger): DynamicModule {
    return {
      module: CoreModule,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: LOGGER, useValue: logger },
      ],
      exports: [APP_CONFIG, LOGGER],
    };
  }
}

/** The API: every domain module, with configuration and logging provided once for all. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [CoreModule.forRoot(config, logger), C360GraphqlModule, HealthModule, LakeModule, ...DOMAIN_MODULES],
      providers: [{ provide: APP_GUARD, useClass: ScopeGuard }],
    };
  }
}
