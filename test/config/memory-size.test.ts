import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { memorySizeBytes, smallerMemorySize } from '../../src/config/memory-size';

describe('memory sizes, as DuckDB reads them', () => {
  it('counts KB, MB, GB and TB in powers of 1000 and KiB to TiB in powers of 1024, in any case, with or without a space', () => {
    assert.equal(memorySizeBytes('2000MB'), 2_000_000_000);
    assert.equal(memorySizeBytes('4GB'), 4_000_000_000);
    assert.equal(memorySizeBytes('1.5 gb'), 1_500_000_000);
    assert.equal(memorySizeBytes('512KiB'), 512 * 1024);
    assert.equal(memorySizeBytes('2GiB'), 2 * 1024 ** 3);
    assert.equal(memorySizeBytes('1TiB'), 1024 ** 4);
  });

  it('gives NaN for anything else', () => {
    for (const bad of ['', '4', 'GB', '4 G', '-1GB', 'four GB']) assert.ok(Number.isNaN(memorySizeBytes(bad)), bad);
  });

  it('picks the smaller of two sizes as written, the first on a tie', () => {
    assert.equal(smallerMemorySize('2000MB', '4GB'), '2000MB');
    assert.equal(smallerMemorySize('2000MB', '1GB'), '1GB');
    // 2GiB is 2.15 GB: more than 2000MB.
    assert.equal(smallerMemorySize('2000MB', '2GiB'), '2000MB');
    assert.equal(smallerMemorySize('2000MB', '2GB'), '2000MB');
    assert.equal(smallerMemorySize('2GB', '2000MB'), '2GB');
  });
});
