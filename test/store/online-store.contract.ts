import { strict as assert } from 'node:assert';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { DomainError } from '../../src/shared/domain-error';
import { MAX_WRITE_VERSION, type FeatureReadResult, type FeatureRow, type FeatureScalar, type OnlineStore } from '../../src/store/online-store.port';

/** One adapter instance under test, on a location of its own or shared with unique entity keys. */
export interface OnlineStoreHarness {
  store: OnlineStore;
  /** A second, independent store instance on the same location (folder, keyspace). */
  reopen(): Promise<OnlineStore>;
  /** Closes what the harness opened and removes what it created. */
  cleanup(): Promise<void>;
}

const T0 = Date.UTC(2025, 0, 1);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Plain values for deepEqual: entity → feature → [value, eventTime]. */
function plain(result: FeatureReadResult): Record<string, Record<string, [FeatureScalar, number]>> {
  return Object.fromEntries(
    [...result].map(([entity, features]) => [entity, Object.fromEntries([...features].map(([name, stored]) => [name, [stored.value, stored.eventTime]]))]),
  );
}

/**
 * The behaviour every OnlineStore adapter shares (Feast's "universal" tests). Entity keys are
 * unique per test, so adapters may share one location (a Cassandra keyspace) across tests.
 */
export function describeOnlineStoreContract(name: string, open: () => Promise<OnlineStoreHarness>): void {
  describe(`${name}: OnlineStore contract`, () => {
    let harness: OnlineStoreHarness;
    let store: OnlineStore;
    let prefix: string;
    const key = (suffix: string) => `${prefix}:${suffix}`;
    const readOne = async (entity: string, names?: string[]) => plain(await store.read([key(entity)], names))[key(entity)];

    beforeEach(async () => {
      harness = await open();
      store = harness.store;
      prefix = `c-${randomUUID()}`;
    });
    afterEach(() => harness.cleanup());

    it('round-trips every kind of feature value with its event time', async () => {
      const features: Record<string, FeatureScalar> = {
        zero: 0,
        count: 42,
        negative: -17.25,
        tiny: 1e-9,
        big: 123_456_789.125,
        unicode: 'Łódź — 東京 🚀 "quoted" \\ back',
        empty: '',
        yes: true,
        no: false,
        nothing: null,
        cart: ['sku-1', 'größe', '🧪'],
        emptyList: [],
      };
      await store.writeBatch([{ entityKey: key('u1'), eventTime: T0, features }]);
      const expected = Object.fromEntries(Object.entries(features).map(([feature, value]) => [feature, [value, T0]]));
      assert.deepEqual(await readOne('u1'), expected);
    });

    it('reads only the named features and omits absent features and entities', async () => {
      await store.writeBatch([{ entityKey: key('u1'), eventTime: T0, features: { a: 1, b: 'two', c: true } }]);
      assert.deepEqual(await readOne('u1', ['a', 'c', 'missing']), { a: [1, T0], c: [true, T0] });
      const result = await store.read([key('u1'), key('nobody')], ['missing']);
      assert.equal(result.size, 0, 'an entity with none of the features is omitted');
      assert.deepEqual(plain(await store.read([key('nobody')])), {});
      assert.equal((await store.read([key('u1')], [])).size, 0);
      assert.equal((await store.read([])).size, 0);
      assert.deepEqual(plain(await store.read([key('u1'), key('u1')], ['b'])), { [key('u1')]: { b: ['two', T0] } });
    });

    it('reads many named features of an entity, as many as it holds or more, absent ones omitted', async () => {
      const stored = Object.fromEntries(Array.from({ length: 30 }, (_, index) => [`f${String(index).padStart(2, '0')}`, index]));
      await store.writeBatch([{ entityKey: key('u1'), eventTime: T0, features: stored }]);
      const asked = ['f29', 'f00', 'f07', 'f08', 'f15', 'f16', 'f17', 'f22', 'f23', 'missing-1', 'missing-2'];
      assert.deepEqual(await readOne('u1', asked), Object.fromEntries(asked.filter((name) => name in stored).map((name) => [name, [stored[name], T0]])));
      const every = [...Object.keys(stored), ...Array.from({ length: 40 }, (_, index) => `absent-${index}`)];
      assert.equal(Object.keys(await readOne('u1', every)).length, 30);
    });

    it('keeps the newer value when an older write arrives later (late batch after a streamed value)', async () => {
      await store.writeBatch([{ entityKey: key('u1'), eventTime: T0 + HOUR, features: { orders: 5 } }]);
      await store.writeBatch([{ entityKey: key('u1'), eventTime: T0, features: { orders: 3 } }]);
      assert.deepEqual(await readOne('u1'), { orders: [5, T0 + HOUR] });
      await store.writeBatch([{ entityKey: key('u1'), eventTime: T0 + 2 * HOUR, features: { orders: 6 } }]);
      assert.deepEqual(await readOne('u1'), { orders: [6, T0 + 2 * HOUR] });
    });

    it('settles equal event times by the greater serialized value, whatever the order', async () => {
      const ties: Array<[string, FeatureScalar, FeatureScalar, FeatureScalar]> = [
        // feature, first written, second written, winner (greatest UTF-8 bytes of the JSON text)
        ['text', 'apple', 'banana', 'banana'],
        ['textReversed', 'banana', 'apple', 'banana'],
        ['numbers', 10, 9, 9],
        ['unicode', 'é', 'z', 'é'],
        ['kinds', 'x', true, true],
        ['nullVsList', null, ['a'], null],
      ];
      for (const [feature, first, second] of ties) {
        await store.writeBatch([{ entityKey: key('u1'), eventTime: T0, features: { [feature]: first } }]);
        await store.writeBatch([{ entityKey: key('u1'), eventTime: T0, features: { [feature]: second } }]);
      }
      // The same ties inside one batch.
      await store.writeBatch(ties.flatMap(([feature, first, second]) => [first, second].map((value) => ({ entityKey: key('u2'), eventTime: T0, features: { [feature]: value } }))));
      const expected = Object.fromEntries(ties.map(([feature, , , winner]) => [feature, [winner, T0]]));
      assert.deepEqual(await readOne('u1'), expected);
      assert.deepEqual(await readOne('u2'), expected);
    });

    it('settles equal event times by the higher write version first, whatever the order of writes', async () => {
      const write = (value: FeatureScalar, version?: number, entity = 'u1') => store.writeBatch([{ entityKey: key(entity), eventTime: T0, version, features: { f: value } }]);
      await write('zzz', 1);
      await write('aaa', 2);
      assert.deepEqual(await readOne('u1'), { f: ['aaa', T0] }, 'a corrected run replaces the value even when it serializes smaller');
      await write('zzzz', 1);
      await write('zzzzz');
      assert.deepEqual(await readOne('u1'), { f: ['aaa', T0] }, 'an older run landing late never rolls the correction back');
      await write('bbb', 2);
      assert.deepEqual(await readOne('u1'), { f: ['bbb', T0] }, 'equal versions fall back to the greater serialized value');
      await write('a', MAX_WRITE_VERSION);
      assert.deepEqual(await readOne('u1'), { f: ['a', T0] }, 'the highest version reads back at its event time in milliseconds');
      // Inside one batch, in both orders.
      await store.writeBatch([
        { entityKey: key('u2'), eventTime: T0, version: 3, features: { f: 'three' } },
        { entityKey: key('u2'), eventTime: T0, version: 7, features: { f: 'seven' } },
        { entityKey: key('u3'), eventTime: T0, version: 7, features: { f: 'seven' } },
        { entityKey: key('u3'), eventTime: T0, version: 3, features: { f: 'three' } },
      ]);
      assert.deepEqual(await readOne('u2'), { f: ['seven', T0] });
      assert.deepEqual(await readOne('u3'), { f: ['seven', T0] });
    });

    it('lets a newer event time win whatever the versions (a re-run batch never rolls back a newer streamed value)', async () => {
      await store.writeBatch([{ entityKey: key('u1'), eventTime: T0, version: 1, features: { batch: 'run 1', streamed: 'run 1' } }]);
      await store.writeBatch([{ entityKey: key('u1'), eventTime: T0 + 1, features: { streamed: 'stream' } }]);
      await store.writeBatch([{ entityKey: key('u1'), eventTime: T0, version: MAX_WRITE_VERSION, features: { batch: 'run 2', streamed: 'run 2' } }]);
      assert.deepEqual(await readOne('u1'), { batch: ['run 2', T0], streamed: ['stream', T0 + 1] });
      await store.writeBatch([{ entityKey: key('u1'), eventTime: T0 + 1, version: 0, features: { batch: 'next day' } }]);
      assert.deepEqual(await readOne('u1'), { batch: ['next day', T0 + 1], streamed: ['stream', T0 + 1] });
    });

    it('applies last-write-wins to each feature on its own', async () => {
      await store.writeBatch([{ entityKey: key('u1'), eventTime: T0 + HOUR, features: { f1: 'new', f2: 'old' } }]);
      await store.writeBatch([{ entityKey: key('u1'), eventTime: T0, features: { f1: 'stale' } }]);
      // One row older than f1's value but newer than f2's.
      await store.writeBatch([{ entityKey: key('u1'), eventTime: T0 + HOUR / 2, features: { f1: 'older', f3: 'added' } }]);
      await store.writeBatch([{ entityKey: key('u1'), eventTime: T0 + 2 * HOUR, features: { f2: 'newer' } }]);
      assert.deepEqual(await readOne('u1'), { f1: ['new', T0 + HOUR], f2: ['newer', T0 + 2 * HOUR], f3: ['added', T0 + HOUR / 2] });
    });

    it('deletes whole entities and keeps erased ones from coming back through late data', async () => {
      const rows: FeatureRow[] = ['u1', 'u2', 'u3'].map((entity) => ({ entityKey: key(entity), eventTime: T0, features: { a: 1, b: 2 } }));
      await store.writeBatch(rows);
      await store.deleteEntities([key('u1'), key('u3'), key('never-written')]);
      assert.deepEqual(Object.keys(plain(await store.read(rows.map((row) => row.entityKey)))), [key('u2')]);
      // A late batch computed from data before the erasure must not resurrect the customer...
      await store.writeBatch([{ entityKey: key('u1'), eventTime: T0 + HOUR, features: { a: 9 } }]);
      assert.deepEqual(plain(await store.read([key('u1')])), {});
      // ...but activity after the erasure is a new customer history.
      const later = Date.now() + HOUR;
      await store.writeBatch([{ entityKey: key('u1'), eventTime: later, features: { a: 10 } }]);
      assert.deepEqual(await readOne('u1'), { a: [10, later] });
    });

    it('erases values stamped in the future by a skewed clock too', async () => {
      const skewed = Date.now() + 2 * DAY;
      await store.writeBatch([
        { entityKey: key('u1'), eventTime: T0, features: { a: 1 } },
        { entityKey: key('u1'), eventTime: skewed, features: { b: 2 } },
      ]);
      await store.deleteEntities([key('u1')]);
      assert.deepEqual(plain(await store.read([key('u1')])), {});
      await store.writeBatch([{ entityKey: key('u1'), eventTime: skewed, features: { b: 3 } }]);
      assert.deepEqual(plain(await store.read([key('u1')])), {}, 'nothing up to the newest erased value comes back');
      await store.writeBatch([{ entityKey: key('u1'), eventTime: skewed + 1, features: { b: 4 } }]);
      assert.deepEqual(await readOne('u1'), { b: [4, skewed + 1] });
    });

    it('erases every version of the newest erased millisecond', async () => {
      const skewed = Date.now() + 2 * DAY;
      await store.writeBatch([{ entityKey: key('u1'), eventTime: skewed, version: 5, features: { a: 1 } }]);
      await store.deleteEntities([key('u1')]);
      await store.writeBatch([{ entityKey: key('u1'), eventTime: skewed, version: MAX_WRITE_VERSION, features: { a: 2 } }]);
      assert.deepEqual(plain(await store.read([key('u1')])), {}, 'a higher version of the erased millisecond stays erased');
      await store.writeBatch([{ entityKey: key('u1'), eventTime: skewed + 1, features: { a: 3 } }]);
      assert.deepEqual(await readOne('u1'), { a: [3, skewed + 1] });
    });

    it('reads many entities in one call', async () => {
      const entities = Array.from({ length: 500 }, (_, index) => key(`many-${index}`));
      await store.writeBatch(entities.map((entityKey, index) => ({ entityKey, eventTime: T0 + index, features: { index, label: `n${index}`, even: index % 2 === 0 } })));
      const all = await store.read(entities);
      assert.equal(all.size, 500);
      assert.deepEqual(plain(new Map([[entities[321], all.get(entities[321])!]])), { [entities[321]]: { index: [321, T0 + 321], label: ['n321', T0 + 321], even: [false, T0 + 321] } });
      const some = await store.read([...entities, key('missing')], ['label']);
      assert.equal(some.size, 500);
      assert.ok([...some].every(([entity, features]) => features.size === 1 && features.get('label')?.value === `n${entity.split('-').pop()}`));
    });

    it('handles an entity with thousands of features (several write batches, several read pages)', async () => {
      const features = Object.fromEntries(Array.from({ length: 2500 }, (_, index) => [`f${String(index).padStart(4, '0')}`, index]));
      await store.writeBatch([{ entityKey: key('wide'), eventTime: T0, features }]);
      const all = (await store.read([key('wide')])).get(key('wide'));
      assert.equal(all?.size, 2500);
      assert.deepEqual(all?.get('f2499'), { value: 2499, eventTime: T0 });
      const names = Object.keys(features).filter((_, index) => index % 10 === 3);
      const some = (await store.read([key('wide')], names)).get(key('wide'));
      assert.deepEqual([...(some?.keys() ?? [])].sort(), names);
    });

    it('is seen by a second store instance on the same location, both ways', async () => {
      await store.writeBatch([{ entityKey: key('u1'), eventTime: T0, features: { a: 'from first' } }]);
      const second = await harness.reopen();
      try {
        assert.deepEqual(plain(await second.read([key('u1')])), { [key('u1')]: { a: ['from first', T0] } });
        await second.writeBatch([{ entityKey: key('u1'), eventTime: T0 + 1, features: { a: 'from second' } }]);
      } finally {
        await second.close();
      }
      assert.deepEqual(await readOne('u1'), { a: ['from second', T0 + 1] });
    });

    it('rejects a batch with an unstorable row before writing any of it', async () => {
      const good: FeatureRow = { entityKey: key('good'), eventTime: T0, features: { a: 1 } };
      const bad: FeatureRow[] = [
        { entityKey: '', eventTime: T0, features: { a: 1 } },
        { entityKey: key('u1'), eventTime: T0 + 0.5, features: { a: 1 } },
        { entityKey: key('u1'), eventTime: T0, features: { a: Number.NaN } },
        { entityKey: key('u1'), eventTime: T0, features: { '': 1 } },
        { entityKey: `${key('u1')}\u0000x`, eventTime: T0, features: { a: 1 } },
        { entityKey: key('u1'), eventTime: T0, version: MAX_WRITE_VERSION + 1, features: { a: 1 } },
        { entityKey: key('u1'), eventTime: T0, version: -1, features: { a: 1 } },
        { entityKey: key('u1'), eventTime: T0, version: 1.5, features: { a: 1 } },
      ];
      for (const row of bad) {
        await assert.rejects(store.writeBatch([good, row]), (error: unknown) => error instanceof DomainError && error.code === 'BAD_USER_INPUT');
      }
      assert.deepEqual(plain(await store.read([key('good')])), {});
      assert.deepEqual(plain(await store.read(['', `${key('u1')}\u0000x`])), {}, 'unstorable keys read as absent');
    });

    it('finishes in-flight writes on close and refuses work afterwards', async () => {
      const rows = Array.from({ length: 50 }, (_, index) => ({ entityKey: key(`c${index}`), eventTime: T0, features: { a: index } }));
      const writing = store.writeBatch(rows);
      await store.close();
      await writing;
      await assert.rejects(store.read([key('c0')]), /closed/);
      const second = await harness.reopen();
      try {
        assert.equal((await second.read(rows.map((row) => row.entityKey))).size, 50);
      } finally {
        await second.close();
      }
    });
  });
}
