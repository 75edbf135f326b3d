import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { FUNNELS_METRICS_DEPENDS_ON, funnelsMetricsStep } from '../../jobs/funnels-metrics.step';
import { loadConfig } from '../../src/config/load-config';
import { metricsPartition } from '../../src/funnels/campaign/campaign-metrics-parquet';
import { runPipeline } from '../../src/jobs/pipeline';
import { silentLogger } from '../../src/shared/logger.port';
import { CAMPAIGN_FIXTURE } from './support/campaign-fixture';
import { FixtureLake } from './support/fixture-lake';

describe('jobs run: funnels.campaign-metrics', () => {
  it('runs after the step it depends on and writes every recomputed entry day', async () => {
    const lake = new FixtureLake();
    const home = mkdtempSync(path.join(os.tmpdir(), 'c360-funnels-job-'));
    try {
      await lake.write(CAMPAIGN_FIXTURE);
      const config = loadConfig({ C360_HOME: home, C360_LAKE: lake.root });
      const stitched = { name: FUNNELS_METRICS_DEPENDS_ON, dependsOn: [], run: async () => ({}) };
      const summary = await runPipeline([stitched, funnelsMetricsStep(config, 7)], { date: '2026-03-03', logger: silentLogger });
      const step = summary.steps.find((result) => result.name === 'funnels.campaign-metrics');
      assert.equal(step?.status, 'succeeded', step?.error);
      assert.deepEqual(step?.output && { from: (step.output as { from: string }).from, promotions: (step.output as { promotions: number }).promotions }, {
        from: '2026-02-24',
        promotions: 1,
      });
      for (const day of ['2026-02-24', '2026-03-02', '2026-03-03']) assert.ok(existsSync(path.join(metricsPartition(lake.layout, day), 'data.parquet')), day);
      assert.ok(existsSync(config.storeDir), 'the online store was written');
    } finally {
      rmSync(home, { recursive: true, force: true });
      await lake.close();
    }
  });
});
