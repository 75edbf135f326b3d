import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { readIntegerCsv, writeIntegerCsv } from '../../../src/identity/batch/integer-csv';

describe('integer CSV exchanged with the lake engine', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'c360-integer-csv-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('round-trips int32 columns, negatives and extremes included, in the text DuckDB reads', () => {
    const file = path.join(dir, 'columns.csv');
    const first = Int32Array.from([0, -1, 2147483647, -2147483648, 10, 99999]);
    const second = [5, 4, 3, 2, 1, 0];
    writeIntegerCsv(file, [first, second]);
    assert.equal(readFileSync(file, 'utf8'), '0,5\n-1,4\n2147483647,3\n-2147483648,2\n10,1\n99999,0\n');
    const [a, b] = readIntegerCsv(file, 2, 6);
    assert.deepEqual([...a], [...first]);
    assert.deepEqual([...b], second);
  });

  it('writes past its buffer and refuses files of another shape', () => {
    const file = path.join(dir, 'long.csv');
    const values = Int32Array.from({ length: 300_000 }, (_, index) => index * 7 - 1000);
    writeIntegerCsv(file, [values]);
    assert.deepEqual([...readIntegerCsv(file, 1, values.length)[0]], [...values]);
    assert.throws(() => writeIntegerCsv(path.join(dir, 'bad.csv'), [[1.5]]), /not an integer/);
    writeFileSync(file, '1,2\n3\n');
    assert.throws(() => readIntegerCsv(file, 2, 2), /row 1 has 1 columns/);
    assert.throws(() => readIntegerCsv(file, 2, 3), /more than|rows|columns/);
  });
});
