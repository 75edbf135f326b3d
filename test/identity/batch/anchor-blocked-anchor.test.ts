import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { identifierKey, type Identifier } from '../../../src/identity/identifier';
import type { IdentityStore } from '../../../src/identity/identity-store.port';
import { IncrementalStitcher } from '../../../src/identity/incremental/incremental-stitcher';
import { extendBlocklist } from '../../../src/identity/rules/blocklist';
import { CompiledRules, DEFAULT_RULES } from '../../../src/identity/rules/identity-rules';
import { RecordLake } from '../support/record-lake';
import { withStoreAndLake } from '../support/store-and-lake';
import { lineageProblems, storeProblems } from '../support/store-problems';

const key = (type: string, value: string) => identifierKey({ type, value });
const stream = (store: IdentityStore, at: number, recordId: string, identifiers: Identifier[]) =>
  new IncrementalStitcher(store, new CompiledRules(DEFAULT_RULES), { now: () => at }).stitch([{ source: 'clickstream', recordId, time: Date.parse('2026-03-03T09:00:00Z'), identifiers }]);

describe('a merged customer whose anchor is blocked after the merge', () => {
  it("does not send the merged id to its seed's holder, another account's customer", async () => {
    const lake = new RecordLake().events(
      { at: '2026-03-01T07:00:00Z', anonymousId: 'p1', deviceId: 'dp' },
      { at: '2026-03-01T09:00:00Z', anonymousId: 'a1', deviceId: 'd1' },
      { at: '2026-03-01T10:00:00Z', userId: 'u1', anonymousId: 'a1', deviceId: 'd1' },
    );
    await withStoreAndLake(lake, async (store) => {
      const first = await lake.stitch({ store, now: () => 1_000 });
      const [p, l] = [first.map.customerOf.get(key('device_id', 'dp')) ?? '', first.map.customerOf.get(key('user_id', 'u1')) ?? ''];
      lake.events({ at: '2026-03-01T08:00:00Z', userId: 'u2', anonymousId: 'a9', deviceId: 'd1' });
      const second = await lake.stitch({ store, now: () => 2_000 });
      const m = second.map.customerOf.get(key('user_id', 'u2')) ?? '';
      assert.equal(second.map.customerOf.get(key('user_id', 'u1')), l);
      await stream(store, 2_500, 'identify-u1-p1', [{ type: 'user_id', value: 'u1' }, { type: 'anonymous_id', value: 'p1' }]);
      assert.equal((await store.customers([l])).get(l)?.mergedInto, p);
      // u1 turns out to be a test account: the operator blocks it.
      const rules = { ...DEFAULT_RULES, blocklist: extendBlocklist(DEFAULT_RULES.blocklist, ['u1'], []) };
      const third = await lake.stitch({ store, rules, now: () => 3_000 });
      assert.notEqual((await store.customers([l])).get(l)?.mergedInto, m, "L (account u1) does not lead to account u2's customer");
      assert.equal((await store.customers([l])).get(l)?.mergedInto, p, 'with its anchor gone, the pointer stays');
      assert.equal(third.summary.store?.repointedCustomers, 0);
      assert.deepEqual([...(await storeProblems(store)), ...(await lineageProblems(store))], []);
    });
  });
});
