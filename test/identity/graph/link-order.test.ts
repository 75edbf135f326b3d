import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { linkOrder } from '../../../src/identity/graph/link-order';

/** A small deterministic generator, so a failure names its seed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function byComparison(time: Float64Array, place: Float64Array, lo: Int32Array, hi: Int32Array): number[] {
  return Array.from({ length: time.length }, (_, edge) => edge).sort(
    (a, b) => time[a] - time[b] || place[a] - place[b] || lo[a] - lo[b] || hi[a] - hi[b],
  );
}

describe('the order batch stitching applies links in', () => {
  it('is (time, place, lo, hi), as a comparison sort would order them, across 16-bit digits and the 32-bit word', () => {
    for (const seed of [1, 2, 3]) {
      const next = random(seed);
      const count = 5_000;
      // Times spanning 2^45 ms, few distinct places and nodes: many ties on each key.
      const time = Float64Array.from({ length: count }, () => Math.floor(next() * 40) * 2 ** 39 + Math.floor(next() * 3) * 65_537);
      const place = Float64Array.from({ length: count }, () => Math.floor(next() * 4) * 70_000);
      const lo = Int32Array.from({ length: count }, () => Math.floor(next() * 50));
      const hi = Int32Array.from(lo, (node) => node + 1 + Math.floor(next() * 50));
      assert.deepEqual([...linkOrder(time, place, lo, hi)], byComparison(time, place, lo, hi), `seed ${seed}`);
    }
  });

  it('sorts edges sharing time and place by their nodes, and refuses keys it cannot sort exactly', () => {
    const order = linkOrder(Float64Array.of(7, 7, 7), Float64Array.of(1, 1, 1), Int32Array.of(5, 2, 2), Int32Array.of(9, 8, 3));
    assert.deepEqual([...order], [2, 1, 0]);
    assert.deepEqual([...linkOrder(new Float64Array(0), new Float64Array(0), new Int32Array(0), new Int32Array(0))], []);
    assert.throws(() => linkOrder(Float64Array.of(-1), Float64Array.of(0), Int32Array.of(0), Int32Array.of(1)), /not an integer/);
    assert.throws(() => linkOrder(Float64Array.of(2 ** 53), Float64Array.of(0), Int32Array.of(0), Int32Array.of(1)), /not an integer/);
  });
});
