import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { mergeCounterparts } from '../../../src/identity/graph/merge-counterparts';

const pairs = ({ from, member }: { from: Int32Array; member: Int32Array }) => Array.from(from, (merged, index) => [merged, member[index]]).sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!);

describe("the customers a merge's cause link joined the merged customer with", () => {
  it('are the other side of that link when it was applied, and the survivor; not what joined either side later', () => {
    // Customers 0 (oldest) … 3, all continuing in one component (9). Edge 10 joins 1 and 2; edge 11
    // joins 0 and 1's side; edge 12 joins 3 to them all.
    const joins = Int32Array.from([10, 1, 2, 11, 0, 1, 12, 0, 3]);
    // 1 and 2 merged into 0 (causes 11 and 10), 3 into 0 (cause 12).
    const merges = Int32Array.from([1, 0, 11, 2, 0, 10, 3, 0, 12]);
    assert.deepEqual(pairs(mergeCounterparts(joins, merges, Int32Array.from([9, 9, 9, 9]))), [
      [1, 0],
      [2, 0],
      [2, 1],
      [3, 0],
      [3, 1],
      [3, 2],
    ]);
  });

  it('leave out a customer on that side that continues elsewhere', () => {
    // 2 joined 1's side by edge 10, then 0 joined that side by edge 11; 1 continues on its own (in 1), 0 and 2 in 3.
    const joins = Int32Array.from([10, 1, 2, 11, 0, 1]);
    assert.deepEqual(pairs(mergeCounterparts(joins, Int32Array.from([2, 0, 10]), Int32Array.from([3, 1, 3]))), [[2, 0]]);
  });

  it('are none for a merge of no known cause', () => {
    assert.deepEqual(pairs(mergeCounterparts(Int32Array.from([10, 0, 1]), Int32Array.from([1, 0, -1]), Int32Array.from([5, 5]))), []);
  });
});
