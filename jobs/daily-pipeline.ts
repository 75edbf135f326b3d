import type { AppConfig } from '../src/config/app-config';
import type { PipelineStep } from '../src/jobs/pipeline';
import { featuresMaterializeStep } from './features-materialize.step';
import { funnelsMetricsStep } from './funnels-metrics.step';
import { identityStitchStep } from './identity-stitch.step';
import { lakeProcessStep } from './lake-process.step';
import { segmentsMaterializeStep } from './segments-materialize.step';

export interface DailyPipelineOptions {
  lookbackDays?: number;
}

/** Every step of the daily batch run. Later domains add theirs here (identity, features, segments, funnels). */
export function dailyPipeline(config: AppConfig, options: DailyPipelineOptions = {}): PipelineStep[] {
  return [
    lakeProcessStep(config, options.lookbackDays),
    identityStitchStep(config),
    // Both join events and orders to stitched customers: they depend on identity.stitch (their default).
    funnelsMetricsStep(config, options.lookbackDays),
    featuresMaterializeStep(config),
    // Segments are rules over the day's features: after features.materialize (its default).
    segmentsMaterializeStep(config),
  ];
}
