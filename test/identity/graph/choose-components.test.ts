import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { chooseComponents } from '../../../src/identity/graph/choose-components';
import { ConstrainedUnionFind } from '../../../src/identity/graph/constrained-union-find';
import type { StitchGraph } from '../../../src/identity/graph/stitch-graph';
import { typeRoles } from '../../../src/identity/graph/type-roles';
import { CompiledRules, DEFAULT_RULES } from '../../../src/identity/rules/identity-rules';

const roles = typeRoles(['user_id', 'email', 'phone', 'device_id', 'anonymous_id'], new CompiledRules(DEFAULT_RULES));
const DEVICE = 3;

/** One previous customer holding `nodes` devices (nodes 0.. in seed order), all in the lake. */
function oneCustomerOf(nodes: number): { graph: StitchGraph; unionFind: ConstrainedUnionFind } {
  const typeOf = new Uint8Array(nodes).fill(DEVICE);
  const graph: StitchGraph = {
    nodeCount: nodes,
    typeOf,
    roles,
    inLake: new Uint8Array(nodes).fill(1),
    previousOf: new Int32Array(nodes),
    previousCount: 1,
    edgeCount: 0,
    edgeA: new Int32Array(0),
    edgeB: new Int32Array(0),
    separations: new Map(),
  };
  return { graph, unionFind: new ConstrainedUnionFind(nodes, typeOf, roles) };
}

describe('chooseComponents: where a customer the lake splits continues', () => {
  it('in the part holding most of its strongest type', () => {
    const { graph, unionFind } = oneCustomerOf(5);
    unionFind.link(0, 1);
    unionFind.link(2, 3);
    unionFind.link(2, 4);
    assert.equal(chooseComponents(graph, unionFind)[0], unionFind.find(4), 'three devices beat two, though the two hold the earliest');
  });

  it('on a tie, in the part holding its earliest identifier, whatever order the other part’s nodes come in', () => {
    const { graph, unionFind } = oneCustomerOf(4);
    // Two devices each: {0, 3} and {1, 2}. The second part reaches two first (at node 2).
    unionFind.link(0, 3);
    unionFind.link(1, 2);
    assert.equal(chooseComponents(graph, unionFind)[0], unionFind.find(0));
  });
});
