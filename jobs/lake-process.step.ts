import type { AppConfig } from '../src/config/app-config';
import type { PipelineStep } from '../src/jobs/pipeline';
import { LakeLayout } from '../src/lake/lake-layout';
import { openLakeEngine } from '../src/lake/open-lake-engine';
import { processLake } from '../src/lake/processing/process-lake';

/** Days before the run date that are re-processed too, so late events and late CDC changes count. */
export const DEFAULT_LOOKBACK_DAYS = 7;

export function addDays(day: string, delta: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + delta);
  return date.toISOString().slice(0, 10);
}

/** Raw → processed for the run date and its look-back window. */
export function lakeProcessStep(config: AppConfig, lookbackDays = DEFAULT_LOOKBACK_DAYS): PipelineStep {
  return {
    name: 'lake.process',
    dependsOn: [],
    async run({ date, logger }) {
      const engine = await openLakeEngine(config);
      try {
        return await processLake(new LakeLayout(config.lakeRoot), engine, { from: addDays(date, -lookbackDays), to: date }, logger);
      } finally {
        await engine.close();
      }
    },
  };
}
