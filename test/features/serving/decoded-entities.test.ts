import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { DecodedEntities } from '../../../src/features/serving/decoded-entities';
import { encodeStoredEntity } from '../../../src/features/serving/stored-entity.codec';
import type { StoredEntity } from '../../../src/features/serving/served-feature';

const entity = (orders: number): StoredEntity => new Map([['orders_30d', { value: orders, eventTime: 1000 }]]);

describe('DecodedEntities', () => {
  it('reuses a decoded entity while the cache holds the same text, equal content included', () => {
    const memo = new DecodedEntities(10);
    const text = encodeStoredEntity(entity(1));
    const first = memo.decode('k', text);
    assert.deepEqual(first, entity(1));
    assert.equal(memo.decode('k', text), first, 'the same string: no second parse');
    assert.equal(memo.decode('k', `${text} `.trimEnd()), first, 'an equal string from another read (Redis)');
  });

  it('decodes again as soon as the text differs, so it never serves what the cache no longer holds', () => {
    const memo = new DecodedEntities(10);
    memo.decode('k', encodeStoredEntity(entity(1)));
    assert.deepEqual(memo.decode('k', encodeStoredEntity(entity(2))), entity(2));
    const remembered = entity(3);
    const text = encodeStoredEntity(remembered);
    memo.remember('k', text, remembered);
    assert.equal(memo.decode('k', text), remembered);
    assert.equal(memo.decode('k', 'not ours'), undefined, 'a foreign entry is a miss');
    assert.deepEqual(memo.decode('k', text), remembered, 'and is forgotten, not kept in place of the entity');
  });

  it('keeps at most maxEntries, and 0 keeps none', () => {
    const memo = new DecodedEntities(1);
    const one = encodeStoredEntity(entity(1));
    const a = memo.decode('a', one);
    memo.decode('b', one);
    assert.notEqual(memo.decode('a', one), a, 'evicted by b: parsed anew');
    const off = new DecodedEntities(0);
    assert.notEqual(off.decode('a', one), off.decode('a', one));
  });
});
