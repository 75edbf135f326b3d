import type { AppConfig } from '../src/config/app-config';
import { openIdentityDeps } from '../src/identity/batch/open-stitch-deps';
import { stitchLake } from '../src/identity/batch/stitch-lake';
import type { PipelineStep } from '../src/jobs/pipeline';

/**
 * The processed zone into customers: the identity map features and funnels join to, and the identity
 * store (ids kept across runs, merges recorded). It re-reads every processed day, since a late
 * event can link identifiers first seen weeks ago.
 */
export function identityStitchStep(config: AppConfig): PipelineStep {
  return {
    name: 'identity.stitch',
    dependsOn: ['lake.process'],
    async run({ logger }) {
      const opened = await openIdentityDeps(config, logger);
      try {
        return await stitchLake(opened.engine, opened.layout, { store: opened.store, rules: config.identity, logger });
      } finally {
        await opened.close();
      }
    },
  };
}
