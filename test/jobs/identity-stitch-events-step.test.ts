import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { dailyPipeline } from '../../jobs/daily-pipeline';
import { identityStitchEventsStep } from '../../jobs/identity-stitch-events.step';
import { loadConfig } from '../../src/config/load-config';
import { stitchedClickstreamRelation, type StitchedClickstreamSummary } from '../../src/identity/events/stitched-clickstream';
import { orderSteps, runPipeline } from '../../src/jobs/pipeline';
import { silentLogger } from '../../src/shared/logger.port';
import { RecordLake } from '../identity/support/record-lake';

describe('jobs run: identity.stitch-events', () => {
  const lake = new RecordLake();
  const home = mkdtempSync(path.join(os.tmpdir(), 'c360-stitch-events-job-'));
  const config = () => loadConfig({ C360_HOME: home, C360_LAKE: lake.root });

  before(async () => {
    lake.events({ at: '2026-03-01T09:00:00Z', userId: 'u1', anonymousId: 'a1' }, { at: '2026-03-01T10:00:00Z', anonymousId: 'a1' });
    await lake.stitch();
  });
  after(async () => {
    await lake.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('runs after identity.stitch and before the funnels that read it', () => {
    const names = orderSteps(dailyPipeline(config())).map((step) => step.name);
    assert.deepEqual(identityStitchEventsStep(config()).dependsOn, ['identity.stitch']);
    assert.ok(names.indexOf('identity.stitch') < names.indexOf('identity.stitch-events'), names.join(', '));
    assert.ok(names.indexOf('identity.stitch-events') < names.indexOf('funnels.campaign-metrics'), names.join(', '));
  });

  it('writes a fresh stitched clickstream and reports what it wrote', async () => {
    const stitched = { name: 'identity.stitch', dependsOn: [], run: async () => ({}) };
    const summary = await runPipeline([stitched, identityStitchEventsStep(config())], { date: '2026-03-01', logger: silentLogger });
    const step = summary.steps.find((result) => result.name === 'identity.stitch-events');
    assert.equal(step?.status, 'succeeded', step?.error);
    const output = step?.output as StitchedClickstreamSummary;
    assert.deepEqual({ rows: output.rows, unresolved: output.unresolved, partitions: output.partitions }, { rows: 2, unresolved: 0, partitions: 1 });
    assert.ok(stitchedClickstreamRelation(await lake.lake(), lake.layout));
  });
});
