import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { storeOnlyLinks } from '../../../src/identity/graph/store-only-links';

// Type codes follow priority: 0 user_id, 1 email, 2 device_id, 3 anonymous_id.
const [USER, EMAIL, DEVICE, ANON] = [0, 1, 2, 3];

/** A graph of nodes [type, in lake?, previous customer] in node (seed) order. */
function graph(nodes: ReadonlyArray<readonly [number, boolean, number]>, previousCount: number) {
  return {
    nodeCount: nodes.length,
    typeOf: Uint8Array.from(nodes.map(([type]) => type)),
    inLake: Uint8Array.from(nodes.map(([, inLake]) => (inLake ? 1 : 0))),
    previousOf: Int32Array.from(nodes.map(([, , previous]) => previous)),
    previousCount,
  };
}

const pairsOf = (links: Int32Array) => Array.from({ length: links.length / 2 }, (_, index) => [links[2 * index], links[2 * index + 1]]);

describe('the links that keep store-only identifiers with their customer', () => {
  it("link each to its customer's strongest identifier the lake shows, the earliest of its type, strongest store-only type first", () => {
    const links = storeOnlyLinks(
      graph(
        [
          [ANON, true, 0], // 0
          [DEVICE, true, 0], // 1: customer 0's anchor, the strongest it has in the lake
          [DEVICE, true, 0], // 2: as strong, later
          [ANON, false, 0], // 3
          [USER, false, 0], // 4: linked first, though stronger than the anchor
          [EMAIL, false, 0], // 5
          [ANON, true, -1], // 6: nobody's
        ],
        1,
      ),
    );
    assert.deepEqual(pairsOf(links), [
      [4, 1],
      [5, 1],
      [3, 1],
    ]);
  });

  it('link a customer the lake shows nothing of to its own strongest store-only identifier', () => {
    const links = storeOnlyLinks(
      graph(
        [
          [ANON, false, 1], // 0
          [USER, true, 0], // 1: customer 0, in the lake, with nothing store-only
          [DEVICE, false, 1], // 2
          [DEVICE, false, 1], // 3
        ],
        2,
      ),
    );
    assert.deepEqual(pairsOf(links), [
      [3, 2],
      [0, 2],
    ]);
  });
});
