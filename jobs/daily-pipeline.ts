import type { AppConfig } from '../src/config/app-config';
import type { PipelineStep } from '../src/jobs/pipeline';
import { featuresMaterializeStep } from './features-materialize.step';
import { funnelsMetricsStep } from './funnels-metrics.step';
import { identityStitchEventsStep } from './identity-stitch-events.step';
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
    // The clickstream with each event's customer, rebuilt from the map identity.stitch just wrote.
    identityStitchEventsStep(config),
    // Both join events and orders to stitched customers: they depend on identity.stitch (their default).
    // Registered after identity.stitch-events, funnels run after it and read the stitched clickstream;
    // if it failed or is stale they fall back to joining the identity map.
    funnelsMetricsStep(config, options.lookbackDays),
    featuresMaterializeStep(config),
    // Segments are rules over the day's features and read the stitched clickstream: after
    // features.materialize and identity.stitch-events (its default).
    segmentsMaterializeStep(config),
  ];
}
