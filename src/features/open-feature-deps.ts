import type { AppConfig } from '../config/app-config';
import type { LakeEngine } from '../lake/lake-engine.port';
import { LakeLayout } from '../lake/lake-layout';
import { openLakeEngine } from '../lake/open-lake-engine';
import type { Logger } from '../shared/logger.port';
import type { OnlineStore } from '../store/online-store.port';
import { openOnlineStore } from '../store/open-online-store';

export interface OpenedLake {
  engine: LakeEngine;
  layout: LakeLayout;
  close(): Promise<void>;
}

export interface OpenedLakeAndStore extends OpenedLake {
  store: OnlineStore;
}

/** The configured lake engine, for the commands that only read the features zone. */
export async function openFeatureLake(config: AppConfig): Promise<OpenedLake> {
  const engine = await openLakeEngine(config);
  return { engine, layout: new LakeLayout(config.lakeRoot), close: () => engine.close() };
}

/** The configured lake engine and online store, for materialization (CLI and the daily job). */
export async function openFeatureLakeAndStore(config: AppConfig, logger: Logger): Promise<OpenedLakeAndStore> {
  const engine = await openLakeEngine(config);
  let store: OnlineStore;
  try {
    store = await openOnlineStore(config, logger);
  } catch (error) {
    await engine.close();
    throw error;
  }
  return {
    engine,
    store,
    layout: new LakeLayout(config.lakeRoot),
    async close() {
      await Promise.allSettled([store.close(), engine.close()]);
    },
  };
}
