import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CAMPAIGN_FIXTURE } from './support/campaign-fixture';
import { FixtureLake } from './support/fixture-lake';
import { runCli } from '../support/run-cli';

/** The compiled CLI entry beside this compiled test (scripts/test.mjs compiles both). */

describe('c360 funnel', () => {
  let lake: FixtureLake;
  let home: string;

  before(async () => {
    lake = new FixtureLake();
    await lake.write(CAMPAIGN_FIXTURE);
    home = mkdtempSync(path.join(os.tmpdir(), 'c360-funnels-cli-'));
  });

  after(async () => {
    await lake.close();
    rmSync(home, { recursive: true, force: true });
  });

  const c360 = (...args: string[]) => runCli(args, { C360_HOME: home, C360_LAKE: lake.root });

  it('prints the campaign funnel of a promotion as one JSON document', () => {
    const run = c360('funnel', '--promotion', 'P', '--from', '2026-03-02', '--to', '2026-03-03', '--window', '7d');
    assert.equal(run.status, 0, run.stderr);
    const answer = JSON.parse(run.stdout) as { steps: Array<{ name: string; customers: number }>; promotionId: string; viewThrough: { steps: unknown[] } };
    assert.equal(answer.promotionId, 'P');
    assert.deepEqual(answer.steps.map((step) => [step.name, step.customers]), [
      ['Promotion Viewed', 5],
      ['Promotion Clicked', 2],
      ['Product Added', 2],
      ['Order placed', 1],
    ]);
    assert.equal(answer.viewThrough.steps.length, 2);
  });

  it('prints an ad hoc funnel given --steps', () => {
    const steps = JSON.stringify([{ event: 'Promotion Viewed' }, { event: 'Product Added' }, { order: true }]);
    const run = c360('funnel', '--steps', steps, '--from', '2026-03-02', '--to', '2026-03-02', '--window', '1d');
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual((JSON.parse(run.stdout) as { steps: Array<{ customers: number }> }).steps.map((step) => step.customers), [4, 2, 1]);
  });

  it('refuses bad arguments with a message and a non-zero exit', () => {
    const bad = c360('funnel', '--promotion', 'P', '--from', '2026-03-04', '--to', '2026-03-03');
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /after/);
    const window = c360('funnel', '--promotion', 'P', '--from', '2026-03-02', '--to', '2026-03-03', '--window', '120d');
    assert.notEqual(window.status, 0);
    assert.match(window.stderr, /at most 90d/);
    assert.notEqual(c360('funnel', '--from', '2026-03-02', '--to', '2026-03-03').status, 0);
  });
});
