import type { AppConfig } from '../src/config/app-config';
import { materializeFeatures } from '../src/features/materialize-features';
import { openFeatureLakeAndStore } from '../src/features/open-feature-deps';
import type { PipelineStep } from '../src/jobs/pipeline';

/** Features join events and orders to stitched customers, so the identity map must be fresh first. */
export const FEATURES_MATERIALIZE_DEPENDS_ON = 'identity.stitch';

/** The day's features into the features zone and the online store (as of the end of the run date). */
export function featuresMaterializeStep(config: AppConfig, dependsOn = FEATURES_MATERIALIZE_DEPENDS_ON): PipelineStep {
  return {
    name: 'features.materialize',
    dependsOn: [dependsOn],
    async run({ date, logger }) {
      const opened = await openFeatureLakeAndStore(config, logger);
      try {
        return await materializeFeatures({ date }, { engine: opened.engine, layout: opened.layout, store: opened.store, logger });
      } finally {
        await opened.close();
      }
    },
  };
}
