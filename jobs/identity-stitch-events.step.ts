import type { AppConfig } from '../src/config/app-config';
import { writeStitchedClickstream } from '../src/identity/events/stitched-clickstream';
import type { PipelineStep } from '../src/jobs/pipeline';
import { LakeLayout } from '../src/lake/lake-layout';
import { openLakeEngine } from '../src/lake/open-lake-engine';

/**
 * The processed clickstream with each event's customer, rebuilt whole after every stitch (a merge
 * can move any past event to another customer), so funnels and segments read customers instead of
 * joining every event to the identity map. On Athena there is nothing to build: readers keep the join.
 */
export function identityStitchEventsStep(config: AppConfig): PipelineStep {
  return {
    name: 'identity.stitch-events',
    dependsOn: ['identity.stitch'],
    async run({ logger }) {
      const engine = await openLakeEngine(config);
      try {
        if (engine.dialect !== 'duckdb') return { skipped: 'the stitched clickstream is built on the DuckDB lake engine; Athena readers join the identity map' };
        return await writeStitchedClickstream(engine, new LakeLayout(config.lakeRoot), { logger });
      } finally {
        await engine.close();
      }
    },
  };
}
