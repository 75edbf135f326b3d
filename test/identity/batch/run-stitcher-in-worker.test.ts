import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { runStitcher, type StitcherInput } from '../../../src/identity/batch/run-stitcher';
import { runStitcherInWorker } from '../../../src/identity/batch/run-stitcher-in-worker';
import type { TypeRoles } from '../../../src/identity/graph/constrained-union-find';
import { prng } from '../incremental/support/random-records';

const ROLES: TypeRoles = { caps: Uint16Array.from([1, 1, 1, 2, 3]), account: 0, personal: Uint8Array.from([0, 1, 1, 0, 0]) };

/** A random graph as the lake engine hands it over: some nodes held by previous customers, edges between them with sighting keys. */
function randomGraph(seed: number, nodeCount: number, edgeCount: number): StitcherInput {
  const random = prng(seed);
  const int = (below: number) => Math.floor(random() * below);
  const a = new Int32Array(edgeCount);
  const b = new Int32Array(edgeCount);
  for (let edge = 0; edge < edgeCount; edge++) {
    const x = int(nodeCount);
    let y = int(nodeCount);
    if (y === x) y = (x + 1) % nodeCount;
    a[edge] = Math.min(x, y);
    b[edge] = Math.max(x, y);
  }
  const previousCustomers = Math.floor(nodeCount / 10);
  return {
    nodes: {
      typeCode: Int32Array.from({ length: nodeCount }, () => int(5)),
      inLake: Int32Array.from({ length: nodeCount }, () => (random() < 0.9 ? 1 : 0)),
      previousOf: Int32Array.from({ length: nodeCount }, () => (random() < 0.3 ? int(previousCustomers) : -1)),
    },
    edges: { a, b, firstTime: Float64Array.from({ length: edgeCount }, () => int(1000)), firstPlace: Float64Array.from({ length: edgeCount }, () => int(64)) },
    separations: { nodes: new Int32Array(0), tokens: new Int32Array(0) },
    pendingLinks: { a: Int32Array.from({ length: 20 }, () => int(nodeCount)), b: Int32Array.from({ length: 20 }, () => int(nodeCount)) },
    previousCustomers,
  };
}

/** A copy with arrays of its own: the worker takes the originals' buffers. */
function copyOf(input: StitcherInput): StitcherInput {
  const { nodes, edges, separations, pendingLinks } = input;
  return {
    nodes: { typeCode: nodes.typeCode.slice(), inLake: nodes.inLake.slice(), previousOf: nodes.previousOf.slice() },
    edges: { a: edges.a.slice(), b: edges.b.slice(), firstTime: edges.firstTime.slice(), firstPlace: edges.firstPlace.slice() },
    separations: { nodes: separations.nodes.slice(), tokens: separations.tokens.slice() },
    pendingLinks: { a: pendingLinks.a.slice(), b: pendingLinks.b.slice() },
    previousCustomers: input.previousCustomers,
  };
}

describe('runStitcherInWorker', () => {
  it('answers as runStitcher does on the main thread', async () => {
    for (const seed of [1, 2, 3]) {
      const input = randomGraph(seed, 2_000, 3_000);
      const here = runStitcher(copyOf(input), ROLES);
      const there = await runStitcherInWorker(input, ROLES);
      assert.deepEqual(there, here, `seed ${seed}`);
      assert.ok(here.mergedCustomers + here.cappedByType.size > 0, `seed ${seed}: the graph exercises merges or caps`);
    }
  });

  it('takes the input arrays instead of copying them', async () => {
    const input = randomGraph(4, 100, 150);
    await runStitcherInWorker(input, ROLES);
    assert.equal(input.edges.a.byteLength, 0);
    assert.equal(input.nodes.typeCode.byteLength, 0);
  });

  it('rejects with the error a failing stitch throws', async () => {
    const broken = { ...ROLES, caps: null } as unknown as TypeRoles;
    await assert.rejects(runStitcherInWorker(randomGraph(5, 10, 10), broken), TypeError);
  });
});
