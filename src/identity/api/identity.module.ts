import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, LOGGER } from '../../app/tokens';
import type { AppConfig } from '../../config/app-config';
import type { Logger } from '../../shared/logger.port';
import type { IdentityStore } from '../identity-store.port';
import { IncrementalStitcher } from '../incremental/incremental-stitcher';
import { openIdentityStore } from '../open-identity-store';
import { CompiledRules } from '../rules/identity-rules';
import { CustomerDirectory } from './customer-directory';
import { CustomerResolver } from './customer.resolver';
import { IDENTITY_STORE, MANUAL_STITCHER } from './identity.tokens';

/**
 * Customer profiles over GraphQL: `customer(id | identifier)`, `customers(ids)` and the
 * `unmergeCustomers` mutation, on the configured identity store. Exports CustomerDirectory (and the
 * store) for domains that resolve customers, and `Customer` (customer.model.ts) for those that add
 * fields to it.
 */
@Module({
  providers: [
    { provide: IDENTITY_STORE, inject: [APP_CONFIG, LOGGER], useFactory: (config: AppConfig, logger: Logger) => openIdentityStore(config, { logger }) },
    {
      provide: CustomerDirectory,
      inject: [IDENTITY_STORE, APP_CONFIG],
      useFactory: (store: IdentityStore, config: AppConfig) => new CustomerDirectory(store, new CompiledRules(config.identity)),
    },
    {
      provide: MANUAL_STITCHER,
      inject: [IDENTITY_STORE, APP_CONFIG],
      useFactory: (store: IdentityStore, config: AppConfig) => new IncrementalStitcher(store, new CompiledRules(config.identity), { via: 'manual' }),
    },
    CustomerResolver,
  ],
  exports: [IDENTITY_STORE, CustomerDirectory],
})
export class IdentityModule implements OnApplicationShutdown {
  constructor(@Inject(IDENTITY_STORE) private readonly store: IdentityStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
