import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { ConstrainedUnionFind, LinkOutcome } from '../../../src/identity/graph/constrained-union-find';
import { typeRoles } from '../../../src/identity/graph/type-roles';
import { CompiledRules, DEFAULT_RULES } from '../../../src/identity/rules/identity-rules';

const roles = typeRoles(['user_id', 'email', 'phone', 'device_id', 'anonymous_id'], new CompiledRules(DEFAULT_RULES));
const DEVICE = 3;
const ANONYMOUS = 4;

describe('ConstrainedUnionFind: the sides of an un-merge', () => {
  it('a side held by a smaller component moves with it into a larger one, and still refuses the other side', () => {
    // Nodes 0 and 1: the two sides of separation 0 (tokens 0 and 1). Nodes 2..4: a component of three holding no side.
    const unionFind = new ConstrainedUnionFind(5, Uint8Array.from([DEVICE, DEVICE, DEVICE, ANONYMOUS, ANONYMOUS]), roles, new Map([[0, [0]], [1, [1]]]));
    unionFind.link(2, 3);
    unionFind.link(2, 4);
    assert.equal(unionFind.link(1, 2), LinkOutcome.LINKED, 'side 1 joins the larger component');
    assert.equal(unionFind.link(0, 2), LinkOutcome.SEPARATED, 'side 0 may not join the component now holding side 1');
    assert.deepEqual([...(unionFind.sidesOf(unionFind.find(2)) ?? [])], [1]);
  });

  it('when both components hold sides, the larger keeps them all', () => {
    // Separation 0: nodes 0 | 1; separation 1: nodes 2 | 3. Node 2 joins a component of three (2, 4, 5); node 0 joins node 2's.
    const types = Uint8Array.from([DEVICE, DEVICE, DEVICE, DEVICE, ANONYMOUS, ANONYMOUS]);
    const unionFind = new ConstrainedUnionFind(6, types, roles, new Map([[0, [0]], [1, [1]], [2, [2]], [3, [3]]]));
    unionFind.link(2, 4);
    unionFind.link(2, 5);
    assert.equal(unionFind.link(0, 2), LinkOutcome.LINKED);
    assert.equal(unionFind.link(1, 4), LinkOutcome.SEPARATED, 'the absorbed component’s side still counts');
    assert.equal(unionFind.link(3, 5), LinkOutcome.SEPARATED, 'and so does the larger one’s');
    assert.deepEqual([...(unionFind.sidesOf(unionFind.find(0)) ?? [])].sort(), [0, 2]);
  });
});
