import type { AppConfig } from '../src/config/app-config';
import type { PipelineStep } from '../src/jobs/pipeline';
import { materializeSegments } from '../src/segments/materialize/materialize-segments';
import { openSegments } from '../src/segments/open-segments';

/**
 * Segments are rules over the day's features, so the features of the day must be materialized
 * first; their behaviour and consent read the stitched clickstream, so it is rebuilt first from the
 * day's identity map (when it is missing or stale the SQL joins the identity map instead, slower).
 */
export const SEGMENTS_MATERIALIZE_DEPENDS_ON: readonly string[] = ['features.materialize', 'identity.stitch-events'];

/** Every active segment's members as of the run date: snapshot, change feed and online memberships. */
export function segmentsMaterializeStep(config: AppConfig, dependsOn: readonly string[] = SEGMENTS_MATERIALIZE_DEPENDS_ON): PipelineStep {
  return {
    name: 'segments.materialize',
    dependsOn: [...dependsOn],
    async run({ date, logger }) {
      const segments = await openSegments(config, logger);
      try {
        return await materializeSegments({ date }, { engine: segments.engine, layout: segments.layout, store: segments.store, catalog: segments.catalog, logger });
      } finally {
        await segments.close();
      }
    },
  };
}
