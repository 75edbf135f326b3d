import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { isDay, LakeLayout } from '../../src/lake/lake-layout';

describe('lake layout', () => {
  it('accepts real UTC days and rejects impossible ones', () => {
    assert.equal(isDay('2026-02-28'), true);
    assert.equal(isDay('2026-02-30'), false);
    assert.equal(isDay('2026-2-3'), false);
  });

  it('partitions raw data by landing day under its source', () => {
    const layout = new LakeLayout('/lake');
    assert.equal(layout.rawPartition('orders', '2026-01-02'), '/lake/raw/orders/dt=2026-01-02');
  });
});
