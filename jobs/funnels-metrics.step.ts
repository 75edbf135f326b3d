import type { AppConfig } from '../src/config/app-config';
import { CampaignMetricsJob, DEFAULT_METRICS_LOOKBACK_DAYS } from '../src/funnels/campaign/campaign-metrics.job';
import { CampaignMetricsStore } from '../src/funnels/campaign/campaign-metrics-store';
import { openFunnels } from '../src/funnels/open-funnels';
import type { PipelineStep } from '../src/jobs/pipeline';

/**
 * The step that must have run first: campaign funnels count stitched customers, read from the
 * stitched clickstream it rebuilds after identity.stitch (or, if that table is stale, by joining
 * the identity map).
 */
export const FUNNELS_METRICS_DEPENDS_ON = 'identity.stitch-events';

/**
 * Daily campaign metrics into the metrics zone and the online store. Entry days from the run
 * date back `lookbackDays` are recomputed, since an entry keeps converting for the 7-day window.
 */
export function funnelsMetricsStep(config: AppConfig, lookbackDays = DEFAULT_METRICS_LOOKBACK_DAYS, dependsOn = FUNNELS_METRICS_DEPENDS_ON): PipelineStep {
  return {
    name: 'funnels.campaign-metrics',
    dependsOn: [dependsOn],
    async run({ date, logger }) {
      const funnels = await openFunnels(config, logger);
      try {
        const job = new CampaignMetricsJob(funnels.engine, funnels.layout, new CampaignMetricsStore(funnels.store), logger);
        return await job.run({ date, lookbackDays: Math.max(lookbackDays, DEFAULT_METRICS_LOOKBACK_DAYS) });
      } finally {
        await funnels.close();
      }
    },
  };
}
