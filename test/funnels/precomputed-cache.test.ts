import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import type { ComputedDay } from '../../src/funnels/campaign/campaign-metrics-store';
import { PrecomputedCache } from '../../src/funnels/campaign/precomputed-cache';

const computed = (computedAt: number): ComputedDay => ({ computedAt, clickThroughWindowMs: 1, viewThroughWindowMs: 1 });

describe('cache of precomputed campaign answers', () => {
  it('is versioned by when each day of the range was computed, and a day not computed is part of the version', () => {
    const days = ['2026-03-01', '2026-03-02'];
    const before = PrecomputedCache.versionOf(days, new Map([['2026-03-01', computed(10)]]));
    const partly = PrecomputedCache.versionOf(days, new Map([['2026-03-01', computed(10)], ['2026-03-02', computed(10)]]));
    const recomputed = PrecomputedCache.versionOf(days, new Map([['2026-03-01', computed(20)], ['2026-03-02', computed(10)]]));
    assert.equal(new Set([before, partly, recomputed]).size, 3);
  });

  it('answers only for the version it was given, and forgets an answer whose days were recomputed', () => {
    const cache = new PrecomputedCache<string>();
    cache.set('P', 'v1', 'answer 1');
    assert.equal(cache.get('P', 'v1'), 'answer 1');
    assert.equal(cache.get('P', 'v2'), undefined);
    assert.equal(cache.get('P', 'v1'), undefined, 'the outdated answer is gone');
  });

  it('keeps at most its capacity, dropping the least recently used answer', () => {
    const cache = new PrecomputedCache<string>(2);
    cache.set('a', 'v', 'A');
    cache.set('b', 'v', 'B');
    assert.equal(cache.get('a', 'v'), 'A');
    cache.set('c', 'v', 'C');
    assert.equal(cache.get('b', 'v'), undefined);
    assert.equal(cache.get('a', 'v'), 'A');
    assert.equal(cache.get('c', 'v'), 'C');
  });
});
