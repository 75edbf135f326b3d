import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { dailyPipeline } from '../../jobs/daily-pipeline';
import { featuresMaterializeStep } from '../../jobs/features-materialize.step';
import { loadConfig } from '../../src/config/load-config';
import type { MaterializeSummary } from '../../src/features/materialize-features';
import { orderSteps } from '../../src/jobs/pipeline';
import { silentLogger } from '../../src/shared/logger.port';
import { FeatureLake } from './support/feature-lake';
import { AS_OF, writeScenario } from './support/scenario';

describe('features.materialize pipeline step', () => {
  const lake = new FeatureLake();
  let home: string;

  before(async () => {
    await writeScenario(lake);
    home = mkdtempSync(path.join(os.tmpdir(), 'c360-features-step-'));
  });
  after(async () => {
    await lake.close();
    rmSync(home, { recursive: true, force: true });
  });

  const config = () => loadConfig({ C360_HOME: home, C360_LAKE: lake.root });

  it('runs in the daily pipeline after the step that refreshes its inputs', () => {
    const steps = orderSteps(dailyPipeline(config()));
    const names = steps.map((step) => step.name);
    const step = steps.find((candidate) => candidate.name === 'features.materialize');
    assert.ok(step, names.join(', '));
    for (const dependency of step.dependsOn) assert.ok(names.indexOf(dependency) < names.indexOf('features.materialize'), dependency);
    assert.ok(['identity.stitch', 'lake.process'].includes(step.dependsOn[0] ?? ''));
  });

  it('materializes the run date through the configured lake and online store', async () => {
    const summary = (await featuresMaterializeStep(config()).run({ date: AS_OF, logger: silentLogger })) as MaterializeSummary;
    assert.equal(summary.date, AS_OF);
    assert.equal(summary.customers, 4);
    assert.equal(summary.rowsWritten, 4);
  });
});
