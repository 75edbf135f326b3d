import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { identityRowWrites, type WriteStatements } from '../../../src/identity/cassandra/identity-row-writes';
import { emptyChanges, type MergeRecord, type StoredCustomer } from '../../../src/identity/identity-store.port';

const statements: WriteStatements = { assign: 'assign', unassign: 'unassign', putCustomer: 'putCustomer', removeCustomer: 'removeCustomer', putMerge: 'putMerge', indexMerge: 'indexMerge', putSeparation: 'putSeparation' };
const customer = (customerId: string, updatedAt = 0): StoredCustomer => ({ customerId, identities: [], seed: { type: 'user_id', value: customerId }, firstSeen: 0, mergedInto: null, mergedFrom: [], updatedAt });
const merge = (mergeId: string, from: string, into: string, at: number): MergeRecord => ({ mergeId, from, into, at, via: 'stream', cause: null, identifiers: [], undoneAt: null });
const a = (value: string) => ({ type: 'anonymous_id', value });

describe('a change as Cassandra row writes', () => {
  it('orders the phases: separations, assignments, customers, merge records, merge index; empty ones left out', () => {
    const phases = identityRowWrites(
      { ...emptyChanges(), separations: [{ separationId: 's', mergeId: 'm', at: 0, sides: [[], []] }], merges: [merge('m', 'b', 'a', 5)], customers: [customer('a')], assign: [{ identifier: a('1'), customerId: 'a' }] },
      statements,
    );
    assert.deepEqual(
      phases.map((phase) => phase.map((row) => row.query)),
      [['putSeparation'], ['assign'], ['putCustomer'], ['putMerge'], ['indexMerge', 'indexMerge']],
    );
    assert.deepEqual(phases[4]!.map((row) => row.params), [['a', new Date(5), 'm', 'b'], ['b', new Date(5), 'm', 'a']], 'each side indexes the merge under its own id');
    assert.deepEqual(identityRowWrites(emptyChanges(), statements), []);
  });

  it('keeps one write per row, the last: a row removed and written is only written', () => {
    const [assignments, customers] = identityRowWrites(
      {
        ...emptyChanges(),
        unassign: [a('1'), a('2')],
        assign: [{ identifier: a('1'), customerId: 'x' }, { identifier: a('3'), customerId: 'x' }, { identifier: a('3'), customerId: 'y' }],
        removeCustomers: ['x', 'gone'],
        customers: [customer('x', 1), customer('x', 2)],
      },
      statements,
    );
    assert.deepEqual(assignments!.map((row) => [row.query, ...row.params]), [['unassign', 'anonymous_id', '2'], ['assign', 'anonymous_id', '1', 'x'], ['assign', 'anonymous_id', '3', 'y']]);
    assert.deepEqual(customers!.map((row) => [row.query, row.params[0]]), [['removeCustomer', 'gone'], ['putCustomer', 'x']]);
    assert.equal(JSON.parse(String(customers![1]!.params[1])).updatedAt, 2);
  });

  it('tells an identifier by type and value, routing by both', () => {
    const [assignments] = identityRowWrites({ ...emptyChanges(), assign: [{ identifier: { type: 'user_id', value: 'v' }, customerId: 'x' }, { identifier: { type: 'email', value: 'v' }, customerId: 'y' }] }, statements);
    assert.equal(assignments!.length, 2);
    assert.deepEqual(assignments!.map((row) => row.partitionKey), [['user_id', 'v'], ['email', 'v']]);
  });

  it('estimates a row at least at its key and values, so large records fill a batch by bytes', () => {
    const big = { ...customer('c'), identities: Array.from({ length: 50 }, (_, index) => a(`identifier-${index}`)) };
    const [, customers] = identityRowWrites({ ...emptyChanges(), assign: [{ identifier: a('1'), customerId: 'c' }], customers: [big] }, statements);
    assert.ok(customers![0]!.bytes > Buffer.byteLength(JSON.stringify(big)) + 'c'.length);
  });
});
