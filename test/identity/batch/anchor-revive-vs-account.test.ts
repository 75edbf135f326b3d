import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { identifierKey, type Identifier } from '../../../src/identity/identifier';
import type { IdentityStore } from '../../../src/identity/identity-store.port';
import { IncrementalStitcher } from '../../../src/identity/incremental/incremental-stitcher';
import { CompiledRules, DEFAULT_RULES } from '../../../src/identity/rules/identity-rules';
import { RecordLake } from '../support/record-lake';
import { withStoreAndLake } from '../support/store-and-lake';
import { lineageProblems, storeProblems } from '../support/store-problems';

const key = (type: string, value: string) => identifierKey({ type, value });
const stream = (store: IdentityStore, at: number, recordId: string, identifiers: Identifier[]) =>
  new IncrementalStitcher(store, new CompiledRules(DEFAULT_RULES), { now: () => at }).stitch([{ source: 'clickstream', recordId, time: Date.parse('2026-03-02T12:00:00Z'), identifiers }]);

const splitLake = () =>
  new RecordLake().events(
    { at: '2026-03-01T07:00:00Z', anonymousId: 'aS', deviceId: 'dS' },
    { at: '2026-03-01T08:00:00Z', anonymousId: 'aF', deviceId: 'dF' },
    { at: '2026-03-01T10:00:00Z', userId: 'u1', anonymousId: 'aF' },
  );
const lateRecord = { at: '2026-03-01T09:00:00Z', userId: 'u7', anonymousId: 'a7', deviceId: 'dF' };

describe('a merged customer whose seed the lake gives to another account', () => {
  it('live F: the split leaves F with u1 (reference)', async () => {
    const lake = splitLake();
    await withStoreAndLake(lake, async (store) => {
      const first = await lake.stitch({ store, now: () => 1_000 });
      const f = first.map.customerOf.get(key('user_id', 'u1')) ?? '';
      lake.events(lateRecord);
      const second = await lake.stitch({ store, now: () => 2_000 });
      assert.equal(second.map.customerOf.get(key('user_id', 'u1')), f, 'a live customer follows its account');
    });
  });
  it('merged F: led to u1, not revived on u7', async () => {
    const lake = splitLake();
    await withStoreAndLake(lake, async (store) => {
      const first = await lake.stitch({ store, now: () => 1_000 });
      const [s, f] = [key('device_id', 'dS'), key('user_id', 'u1')].map((k) => first.map.customerOf.get(k) ?? '');
      await stream(store, 1_500, 'identify-u1-dS', [{ type: 'user_id', value: 'u1' }, { type: 'device_id', value: 'dS' }]);
      assert.equal((await store.customers([f])).get(f)?.mergedInto, s);
      lake.events(lateRecord);
      const second = await lake.stitch({ store, now: () => 2_000 });
      assert.notEqual(second.map.customerOf.get(key('user_id', 'u7')), f, "F (account u1) does not become account u7's customer");
      assert.equal(second.summary.revivedCustomers, 0);
      assert.equal((await store.customers([f])).get(f)?.mergedInto, second.map.customerOf.get(key('user_id', 'u1')), "F's id leads to u1's customer");
      assert.deepEqual([...(await storeProblems(store)), ...(await lineageProblems(store))], []);
    });
  });
});
