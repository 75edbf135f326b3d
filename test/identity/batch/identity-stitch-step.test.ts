import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { dailyPipeline } from '../../../jobs/daily-pipeline';
import { identityStitchStep } from '../../../jobs/identity-stitch.step';
import { loadConfig } from '../../../src/config/load-config';
import type { StitchSummary } from '../../../src/identity/batch/stitch-lake';
import { identifierKey } from '../../../src/identity/identifier';
import { orderSteps } from '../../../src/jobs/pipeline';
import { silentLogger } from '../../../src/shared/logger.port';
import { readIdentityMap } from '../support/identity-zone';
import { RecordLake } from '../support/record-lake';

describe('identity.stitch pipeline step', () => {
  const lake = new RecordLake();
  let home: string;

  before(async () => {
    home = mkdtempSync(path.join(os.tmpdir(), 'c360-identity-step-'));
    lake
      .orders({ id: 'OD1', userId: 'u_a', phone: '9811111111', at: '2026-03-01T08:00:00Z' })
      .events({ at: '2026-03-01T09:00:00Z', userId: 'u_a', anonymousId: 'anon-1', deviceId: 'dev-1' }, { at: '2026-03-01T10:00:00Z', anonymousId: 'anon-2', deviceId: 'dev-2' });
    await lake.process();
  });
  after(async () => {
    await lake.close();
    rmSync(home, { recursive: true, force: true });
  });

  // A salt of this deployment's own, read from the environment as in production.
  const config = () => loadConfig({ C360_HOME: home, C360_LAKE: lake.root, C360_IDENTITY_ID_SALT: 'step-test-salt' });

  it('runs after lake.process, and funnels and features run after it', () => {
    const steps = orderSteps(dailyPipeline(config()));
    const names = steps.map((step) => step.name);
    const stitch = steps.find((step) => step.name === 'identity.stitch');
    assert.deepEqual(stitch?.dependsOn, ['lake.process']);
    for (const name of ['identity.stitch-events', 'features.materialize']) {
      assert.deepEqual(steps.find((step) => step.name === name)?.dependsOn, ['identity.stitch'], name);
      assert.ok(names.indexOf('identity.stitch') < names.indexOf(name));
    }
    // Funnels read the stitched clickstream identity.stitch-events rebuilds after every stitch.
    assert.deepEqual(steps.find((step) => step.name === 'funnels.campaign-metrics')?.dependsOn, ['identity.stitch-events']);
    assert.ok(names.indexOf('identity.stitch-events') < names.indexOf('funnels.campaign-metrics'));
  });

  it('stitches with the configured rules into the identity zone and store, and a re-run keeps every id', async () => {
    const first = (await identityStitchStep(config()).run({ date: '2026-03-01', logger: silentLogger })) as StitchSummary;
    assert.equal(first.customers, 2);
    assert.equal(first.store?.assigned, 6);
    const engine = await lake.lake();
    const map = await readIdentityMap(engine, lake.layout);
    assert.equal(map.customerOf.get(identifierKey({ type: 'device_id', value: 'dev-1' })), map.customerOf.get(identifierKey({ type: 'phone', value: '+919811111111' })));

    const again = (await identityStitchStep(config()).run({ date: '2026-03-02', logger: silentLogger })) as StitchSummary;
    assert.equal(again.keptCustomers, 2);
    assert.deepEqual(again.store, { assigned: 0, unassigned: 0, customersWritten: 0, merges: 0, undoneMerges: 0, repointedCustomers: 0, rebasedUnits: 0, deferredUnits: 0, deferredCustomers: 0, removedCustomers: 0 });
    assert.deepEqual((await readIdentityMap(engine, lake.layout)).customerOf, map.customerOf);

    // The salt from the configuration named them: the default salt would give other ids.
    const unsalted = loadConfig({ C360_HOME: mkdtempSync(path.join(os.tmpdir(), 'c360-identity-step-')), C360_LAKE: lake.root });
    await identityStitchStep(unsalted).run({ date: '2026-03-02', logger: silentLogger });
    const other = await readIdentityMap(engine, lake.layout);
    assert.notEqual(other.customerOf.get(identifierKey({ type: 'user_id', value: 'u_a' })), map.customerOf.get(identifierKey({ type: 'user_id', value: 'u_a' })));
    rmSync(unsalted.home, { recursive: true, force: true });
  });
});
