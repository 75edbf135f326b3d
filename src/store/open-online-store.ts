import type { AppConfig } from '../config/app-config';
import type { Logger } from '../shared/logger.port';
import { CassandraOnlineStore } from './cassandra/cassandra-online-store';
import { EmbeddedOnlineStore } from './embedded/embedded-online-store';
import type { OnlineStore } from './online-store.port';

/** The online store the configuration selects (C360_ONLINE_STORE, or the profile's default). */
export async function openOnlineStore(config: AppConfig, logger?: Logger): Promise<OnlineStore> {
  switch (config.adapters.store) {
    case 'embedded':
      return EmbeddedOnlineStore.open(config.storeDir);
    case 'cassandra':
      return CassandraOnlineStore.connect(config.cassandra, { logger });
  }
}
