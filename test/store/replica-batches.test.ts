import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { packByReplicas, replicaSetOf, textRoutingKey, writeBatchLimits } from '../../src/store/cassandra/replica-batches';

interface Part {
  id: string;
  replicas: string;
  bytes: number;
  statements: number;
}

const part = (id: string, replicas: string, bytes = 100, statements = 3): Part => ({ id, replicas, bytes, statements });
const ids = (requests: Part[][]) => requests.map((request) => request.map((each) => each.id));
const limits = { partitions: 3, bytes: 1000, statements: 20 };

describe('packing partitions into multi-partition requests', () => {
  it('never puts partitions of different replica sets in one request, and keeps input order within a set', () => {
    const parts = [part('a1', 'A'), part('b1', 'B'), part('a2', 'A'), part('b2', 'B'), part('a3', 'A'), part('c1', 'C')];
    assert.deepEqual(ids(packByReplicas(parts, (each) => each.replicas, limits)), [['a1', 'a2', 'a3'], ['b1', 'b2'], ['c1']]);
  });

  it('starts a new request at the partition, byte or statement limit, whichever comes first', () => {
    const byCount = Array.from({ length: 7 }, (_, index) => part(`p${index}`, 'A'));
    assert.deepEqual(ids(packByReplicas(byCount, (each) => each.replicas, limits)), [['p0', 'p1', 'p2'], ['p3', 'p4', 'p5'], ['p6']]);
    const byBytes = [part('x', 'A', 600), part('y', 'A', 300), part('z', 'A', 200)];
    assert.deepEqual(ids(packByReplicas(byBytes, (each) => each.replicas, limits)), [['x', 'y'], ['z']]);
    const byStatements = [part('s', 'A', 10, 12), part('t', 'A', 10, 8), part('u', 'A', 10, 1)];
    assert.deepEqual(ids(packByReplicas(byStatements, (each) => each.replicas, limits)), [['s', 't'], ['u']]);
  });

  it('sends a partition that alone exceeds a limit on its own, without breaking up the others', () => {
    const parts = [part('a', 'A'), part('huge', 'A', 5000), part('wide', 'A', 10, 50), part('b', 'A')];
    assert.deepEqual(ids(packByReplicas(parts, (each) => each.replicas, limits)), [['huge'], ['wide'], ['a', 'b']]);
  });

  it('sends every partition alone when one partition per request is asked for', () => {
    const parts = [part('a', 'A'), part('b', 'A')];
    assert.deepEqual(ids(packByReplicas(parts, (each) => each.replicas, { ...limits, partitions: 1 })), [['a'], ['b']]);
  });

  it('covers every partition exactly once', () => {
    const parts = Array.from({ length: 500 }, (_, index) => part(`p${index}`, `R${index % 7}`, 50 + ((index * 37) % 900), 1 + (index % 30)));
    const packed = packByReplicas(parts, (each) => each.replicas, limits);
    assert.deepEqual(packed.flat().map((each) => each.id).sort(), parts.map((each) => each.id).sort());
    for (const request of packed) {
      if (request.length === 1) continue;
      assert.equal(new Set(request.map((each) => each.replicas)).size, 1);
      assert.ok(request.length <= limits.partitions);
      assert.ok(request.reduce((sum, each) => sum + each.bytes, 0) <= limits.bytes);
      assert.ok(request.reduce((sum, each) => sum + each.statements, 0) <= limits.statements);
    }
  });
});

describe('finding where a partition lives', () => {
  it('encodes a text partition key as the driver routes it: one column bare, several each length-prefixed and 0-terminated', () => {
    assert.deepEqual(textRoutingKey(['Łódź']), Buffer.from('Łódź', 'utf8'));
    assert.deepEqual(textRoutingKey(['ab', 'é']), Buffer.from([0, 2, 0x61, 0x62, 0, 0, 2, 0xc3, 0xa9, 0]));
    assert.notDeepEqual(textRoutingKey(['a', 'bc']), textRoutingKey(['ab', 'c']), 'the split between columns is part of the key');
  });

  it('names a replica set by its sorted addresses, and one shared group while the driver knows no token map', () => {
    const locator = (replicas: Array<{ address: string }> | null) => ({ getReplicas: () => replicas });
    assert.equal(replicaSetOf(locator([{ address: '10.0.0.3:9042' }, { address: '10.0.0.1:9042' }]), 'ks', Buffer.from('k')), '10.0.0.1:9042,10.0.0.3:9042');
    assert.equal(replicaSetOf(locator([{ address: '10.0.0.2:9042' }]), 'ks', Buffer.from('k')), '10.0.0.2:9042');
    assert.equal(replicaSetOf(locator(null), 'ks', Buffer.from('k')), '');
    assert.equal(replicaSetOf(locator([]), 'ks', Buffer.from('k')), '');
  });

  it("takes a store's batch options, Cassandra's warning thresholds by default, at least one partition a request", () => {
    assert.deepEqual(writeBatchLimits({}, 100), { partitions: 10, bytes: 4096, statements: 100 });
    assert.deepEqual(writeBatchLimits({ partitionsPerBatch: 0, batchBytes: 1000 }, 5), { partitions: 1, bytes: 1000, statements: 5 });
  });
});
