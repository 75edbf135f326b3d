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
const stitcher = (store: IdentityStore, at: number) => new IncrementalStitcher(store, new CompiledRules(DEFAULT_RULES), { now: () => at });
const stream = (store: IdentityStore, at: number, recordId: string, identifiers: Identifier[]) =>
  stitcher(store, at).stitch([{ source: 'clickstream', recordId, time: Date.parse('2026-03-02T12:00:00Z'), identifiers }]);

describe('an un-merge that retires a survivor merged away once before', () => {
  it('retires it where its anchor is, and the batch keeps that', async () => {
    const lake = new RecordLake().events(
      { at: '2026-03-01T06:00:00Z', anonymousId: 'aT', deviceId: 'dT' },
      { at: '2026-03-01T09:00:00Z', anonymousId: 'a1', deviceId: 'd1' },
      { at: '2026-03-01T09:30:00Z', type: 'identify', anonymousId: 'a1', traits: { email: 'e1@x.com' } },
      { at: '2026-03-01T10:00:00Z', userId: 'u1', anonymousId: 'a2' },
    );
    await withStoreAndLake(lake, async (store) => {
      const first = await lake.stitch({ store, now: () => 1_000 });
      const [t, s, f] = [key('device_id', 'dT'), key('device_id', 'd1'), key('user_id', 'u1')].map((k) => first.map.customerOf.get(k) ?? '');
      // The stream merges S into T on a wrong alias; an operator un-merges it.
      await stream(store, 1_100, 'alias-e1-aT', [{ type: 'email', value: 'e1@x.com' }, { type: 'anonymous_id', value: 'aT' }]);
      const sIntoT = (await store.mergesOf(s)).find((m) => m.from === s && m.into === t);
      assert.ok(sIntoT, 'S merged into T');
      await stitcher(store, 1_200).unmerge(sIntoT.mergeId);
      // F (u1) logs in on d1: F merged into S.
      await stream(store, 1_500, 'identify-u1-d1', [{ type: 'user_id', value: 'u1' }, { type: 'device_id', value: 'd1' }]);
      const fIntoS = (await store.mergesOf(f)).find((m) => m.from === f && m.into === s);
      assert.ok(fIntoS, 'F merged into S');
      // Late records: e1 is account u9's, d1 and a1 are account u2's. S continues with u1.
      lake.events(
        { at: '2026-03-01T07:00:00Z', type: 'identify', userId: 'u9', anonymousId: 'a9', traits: { email: 'e1@x.com' } },
        { at: '2026-03-01T08:00:00Z', userId: 'u2', anonymousId: 'a1', deviceId: 'd1' },
      );
      const second = await lake.stitch({ store, now: () => 2_000 });
      const n = second.map.customerOf.get(key('email', 'e1@x.com'));
      const undone = await stitcher(store, 2_500).unmerge(fIntoS.mergeId);
      assert.equal(undone.survivorRetiredInto, n, 'S retires where its anchor (its email, the strongest of what its merge brought) is');
      assert.deepEqual([...(await storeProblems(store)), ...(await lineageProblems(store))], []);
      const third = await lake.stitch({ store, now: () => 3_000 });
      assert.deepEqual([third.summary.store?.repointedCustomers, third.summary.store?.customersWritten], [0, 0], 'the batch keeps the retirement');
    });
  });
});
