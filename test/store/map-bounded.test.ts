import { strict as assert } from 'node:assert';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { mapBounded } from '../../src/store/cassandra/map-bounded';

describe('mapBounded', () => {
  it('keeps input order and never runs more than the limit at once', async () => {
    let running = 0;
    let peak = 0;
    const results = await mapBounded(Array.from({ length: 50 }, (_, index) => index), 4, async (item) => {
      running += 1;
      peak = Math.max(peak, running);
      await sleep(item % 3);
      running -= 1;
      return item * 2;
    });
    assert.deepEqual(results, Array.from({ length: 50 }, (_, index) => index * 2));
    assert.equal(peak, 4);
  });

  it('starts nothing new after a failure and waits for running tasks before rethrowing', async () => {
    const started: number[] = [];
    let finished = 0;
    await assert.rejects(
      mapBounded(Array.from({ length: 20 }, (_, index) => index), 3, async (item) => {
        started.push(item);
        await sleep(5);
        finished += 1;
        if (item === 1) throw new Error('boom');
      }),
      /boom/,
    );
    assert.equal(finished, started.length, 'no task was still running when the call rejected');
    assert.ok(started.length < 20);
  });

  it('handles no items', async () => {
    assert.deepEqual(await mapBounded([], 8, async () => 1), []);
  });
});
