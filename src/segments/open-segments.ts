import type { AppConfig } from '../config/app-config';
import { FeatureRegistry } from '../features/feature-registry';
import type { LakeEngine } from '../lake/lake-engine.port';
import { LakeLayout } from '../lake/lake-layout';
import { openLakeEngine } from '../lake/open-lake-engine';
import type { Logger } from '../shared/logger.port';
import type { OnlineStore } from '../store/online-store.port';
import { openOnlineStore } from '../store/open-online-store';
import { SegmentAudiences } from './segment-audiences';
import { SegmentCatalog } from './segment-catalog';
import { openSegmentRepository } from './open-segment-repository';
import type { SegmentRepository } from './segment-repository.port';

export interface OpenedSegments {
  catalog: SegmentCatalog;
  audiences: SegmentAudiences;
  engine: LakeEngine;
  layout: LakeLayout;
  store: OnlineStore;
  repository: SegmentRepository;
  close(): Promise<void>;
}

/** The segments services wired to the configured lake engine, online store and repository, for the CLI and jobs. */
export async function openSegments(config: AppConfig, logger: Logger): Promise<OpenedSegments> {
  const opened: Array<{ close(): Promise<void> }> = [];
  const close = async () => {
    await Promise.allSettled(opened.reverse().map((resource) => resource.close()));
  };
  try {
    const engine = await openLakeEngine(config);
    opened.push(engine);
    const store = await openOnlineStore(config, logger);
    opened.push(store);
    const repository = await openSegmentRepository(config);
    opened.push(repository);
    const layout = new LakeLayout(config.lakeRoot);
    const catalog = new SegmentCatalog(repository, new FeatureRegistry(), logger);
    return { catalog, audiences: new SegmentAudiences(catalog, engine, layout, store), engine, layout, store, repository, close };
  } catch (error) {
    await close();
    throw error;
  }
}
