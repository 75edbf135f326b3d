import type { AppConfig } from '../../config/app-config';
import type { LakeEngine } from '../../lake/lake-engine.port';
import { LakeLayout } from '../../lake/lake-layout';
import { openLakeEngine } from '../../lake/open-lake-engine';
import type { Logger } from '../../shared/logger.port';
import type { IdentityStore } from '../identity-store.port';
import { openIdentityStore } from '../open-identity-store';

export interface OpenedIdentityLake {
  engine: LakeEngine;
  layout: LakeLayout;
  close(): Promise<void>;
}

export interface OpenedIdentityDeps extends OpenedIdentityLake {
  store: IdentityStore;
}

/** The lake alone, for commands that only read the identity zone (audit). */
export async function openIdentityLake(config: AppConfig): Promise<OpenedIdentityLake> {
  const engine = await openLakeEngine(config);
  return { engine, layout: new LakeLayout(config.lakeRoot), close: () => engine.close() };
}

/** The lake engine, with the stitch's memory limit, and the identity store, for stitching (CLI and the daily job). */
export async function openIdentityDeps(config: AppConfig, logger: Logger): Promise<OpenedIdentityDeps> {
  // A stitch's own limit: the stitcher's arrays come on top of DuckDB's memory (see IDENTITY_STITCH_MEMORY_LIMIT).
  const engine = await openLakeEngine(config, { memoryLimit: config.duckdb.identityStitchMemoryLimit });
  let store: IdentityStore;
  try {
    store = await openIdentityStore(config, { logger });
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
