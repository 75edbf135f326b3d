import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { identifierKey } from '../../../src/identity/identifier';
import { RecordLake } from '../support/record-lake';
import { withStoreAndLake } from '../support/store-and-lake';
import { lineageProblems, storeProblems } from '../support/store-problems';

const key = (type: string, value: string) => identifierKey({ type, value });

describe('a customer the batch merges where most of its strongest identifiers went', () => {
  it('stays merged there: the next batch, on the same lake, writes nothing', async () => {
    // P (uP) and Q (uQ) are older than F (aF, dF1, dF2, dF3).
    const lake = new RecordLake().events(
      { at: '2026-03-01T05:00:00Z', userId: 'uP', anonymousId: 'aP' },
      { at: '2026-03-01T05:10:00Z', userId: 'uQ', anonymousId: 'aQ' },
      { at: '2026-03-01T09:00:00Z', anonymousId: 'aF', deviceId: 'dF1' },
      { at: '2026-03-01T09:01:00Z', anonymousId: 'aF', deviceId: 'dF2' },
      { at: '2026-03-01T09:02:00Z', anonymousId: 'aF', deviceId: 'dF3' },
    );
    await withStoreAndLake(lake, async (store) => {
      const first = await lake.stitch({ store, now: () => 1_000 });
      const [p, q, f] = [key('user_id', 'uP'), key('user_id', 'uQ'), key('device_id', 'dF1')].map((k) => first.map.customerOf.get(k) ?? '');
      // Late records: dF1 is uP's (06:00), dF2 and dF3 are uQ's (06:30): the account cap splits F.
      lake.events(
        { at: '2026-03-01T06:00:00Z', userId: 'uP', anonymousId: 'aP', deviceId: 'dF1' },
        { at: '2026-03-01T06:30:00Z', userId: 'uQ', anonymousId: 'aQ', deviceId: 'dF2' },
        { at: '2026-03-01T06:31:00Z', userId: 'uQ', anonymousId: 'aQ', deviceId: 'dF3' },
      );
      const second = await lake.stitch({ store, now: () => 2_000 });
      assert.deepEqual(['dF1', 'dF2'].map((device) => second.map.customerOf.get(key('device_id', device))), [p, q]);
      assert.equal((await store.customers([f])).get(f)?.mergedInto, q, 'F follows most of its devices, into Q');
      assert.deepEqual([...(await storeProblems(store)), ...(await lineageProblems(store))], [], 'its anchor is split: it decides nothing');
      const third = await lake.stitch({ store, now: () => 3_000 });
      assert.equal(third.summary.store?.customersWritten, 0, 'a re-run on an unchanged lake writes nothing');
    });
  });
});
