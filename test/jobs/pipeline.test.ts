import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { orderSteps, runPipeline, type PipelineStep } from '../../src/jobs/pipeline';
import { silentLogger } from '../../src/shared/logger.port';

function step(name: string, dependsOn: string[], ran: string[], fail = false): PipelineStep {
  return {
    name,
    dependsOn,
    run: async () => {
      ran.push(name);
      if (fail) throw new Error(`${name} broke`);
      return { name };
    },
  };
}

describe('daily pipeline', () => {
  it('runs steps after their dependencies, whatever the registration order', async () => {
    const ran: string[] = [];
    const summary = await runPipeline(
      [step('features', ['identity', 'lake'], ran), step('identity', ['lake'], ran), step('lake', [], ran)],
      { date: '2026-11-20', logger: silentLogger },
    );
    assert.deepEqual(ran, ['lake', 'identity', 'features']);
    assert.equal(summary.status, 'succeeded');
    assert.deepEqual(summary.steps.map((s) => s.name), ['lake', 'identity', 'features']);
  });

  it('skips everything downstream of a failed step but still runs independent steps', async () => {
    const ran: string[] = [];
    const summary = await runPipeline(
      [step('lake', [], ran), step('identity', ['lake'], ran, true), step('features', ['identity'], ran), step('funnels', ['lake'], ran)],
      { date: '2026-11-20', logger: silentLogger },
    );
    assert.deepEqual(ran, ['lake', 'identity', 'funnels']);
    assert.equal(summary.status, 'failed');
    const byName = Object.fromEntries(summary.steps.map((s) => [s.name, s]));
    assert.equal(byName.identity?.status, 'failed');
    assert.equal(byName.identity?.error, 'identity broke');
    assert.equal(byName.features?.status, 'skipped');
    assert.equal(byName.funnels?.status, 'succeeded');
  });

  it('refuses cycles and unknown dependencies before running anything', () => {
    const ran: string[] = [];
    assert.throws(() => orderSteps([step('a', ['b'], ran), step('b', ['a'], ran)]), /cycle among a, b/);
    assert.throws(() => orderSteps([step('a', ['nope'], ran)]), /unknown step nope/);
    assert.deepEqual(ran, []);
  });
});
