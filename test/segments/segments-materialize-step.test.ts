import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { dailyPipeline } from '../../jobs/daily-pipeline';
import { segmentsMaterializeStep } from '../../jobs/segments-materialize.step';
import { loadConfig } from '../../src/config/load-config';
import { orderSteps } from '../../src/jobs/pipeline';
import type { MaterializeSegmentsSummary } from '../../src/segments/materialize/materialize-segments';
import { openSegments } from '../../src/segments/open-segments';
import { silentLogger } from '../../src/shared/logger.port';
import { SegmentLake } from './support/segment-lake';

const DAY = '2026-03-10';

describe('segments.materialize pipeline step', () => {
  const lake = new SegmentLake();
  let home: string;
  const config = () => loadConfig({ C360_HOME: home, C360_LAKE: lake.root });

  before(async () => {
    home = mkdtempSync(path.join(os.tmpdir(), 'c360-segments-step-'));
    await lake.identities([{ type: 'user_id', value: 'u1', customer: 'c1' }, { type: 'user_id', value: 'u2', customer: 'c2' }]);
    await lake.features(DAY, [{ customer: 'c1', values: { orders_30d: 4 } }, { customer: 'c2', values: { orders_30d: 0 } }]);
    const segments = await openSegments(config(), silentLogger);
    try {
      await segments.catalog.create({ id: 'buyers', name: 'Buyers', definition: { feature: 'orders_30d', op: 'gt', value: 0 } }, 'ana');
    } finally {
      await segments.close();
    }
  });
  after(async () => {
    await lake.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('runs in the daily pipeline after features.materialize and identity.stitch-events', () => {
    const names = orderSteps(dailyPipeline(config())).map((step) => step.name);
    assert.ok(names.includes('segments.materialize'), names.join(', '));
    assert.ok(names.indexOf('features.materialize') < names.indexOf('segments.materialize'), names.join(', '));
    assert.ok(names.indexOf('identity.stitch-events') >= 0 && names.indexOf('identity.stitch-events') < names.indexOf('segments.materialize'), names.join(', '));
    assert.deepEqual(segmentsMaterializeStep(config()).dependsOn, ['features.materialize', 'identity.stitch-events']);
  });

  it('materializes the run date’s segments through the configured lake, store and repository', async () => {
    const summary = (await segmentsMaterializeStep(config()).run({ date: DAY, logger: silentLogger })) as MaterializeSegmentsSummary;
    assert.deepEqual(summary.segments, [{ id: 'buyers', version: 1, members: 1, entered: 1, exited: 0 }]);
    assert.equal(summary.customersWritten, 1);
    const segments = await openSegments(config(), silentLogger);
    try {
      assert.equal((await segments.audiences.isMember('buyers', 'c1')).member, true);
    } finally {
      await segments.close();
    }
  });

  it('fails clearly when the day’s features are not materialized', async () => {
    await assert.rejects(segmentsMaterializeStep(config()).run({ date: '2026-03-11', logger: silentLogger }), /no materialized features for 2026-03-11; run `c360 features materialize --date 2026-03-11` first/);
  });
});
