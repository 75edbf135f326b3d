import type { AppConfig } from '../config/app-config';
import type { LakeEngine } from '../lake/lake-engine.port';
import { LakeLayout } from '../lake/lake-layout';
import { openLakeEngine } from '../lake/open-lake-engine';
import type { Logger } from '../shared/logger.port';
import type { OnlineStore } from '../store/online-store.port';
import { openOnlineStore } from '../store/open-online-store';
import { CampaignMetricsStore } from './campaign/campaign-metrics-store';
import { FunnelsService } from './funnels.service';
import { LakeFunnelRunner } from './lake-funnel-runner';

export interface OpenedFunnels {
  service: FunnelsService;
  engine: LakeEngine;
  store: OnlineStore;
  layout: LakeLayout;
  close(): Promise<void>;
}

/** The funnels service wired to the configured lake engine and online store, for the CLI and jobs. */
export async function openFunnels(config: AppConfig, logger: Logger): Promise<OpenedFunnels> {
  const engine = await openLakeEngine(config);
  let store: OnlineStore;
  try {
    store = await openOnlineStore(config, logger);
  } catch (error) {
    await engine.close();
    throw error;
  }
  const layout = new LakeLayout(config.lakeRoot);
  return {
    service: new FunnelsService(new LakeFunnelRunner(engine, layout), new CampaignMetricsStore(store), logger),
    engine,
    store,
    layout,
    async close() {
      await Promise.allSettled([store.close(), engine.close()]);
    },
  };
}
