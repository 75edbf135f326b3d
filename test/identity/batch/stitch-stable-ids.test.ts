import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stitchLake, type StitchSummary } from '../../../src/identity/batch/stitch-lake';
import { EmbeddedIdentityStore } from '../../../src/identity/embedded/embedded-identity-store';
import { identifierKey, parseIdentifierKey } from '../../../src/identity/identifier';
import { addDays } from '../../../jobs/lake-process.step';
import { DEFAULT_END_DAY } from '../../../src/lake/generator/generate-lake';
import { generatedLake, type GeneratedLake } from '../support/generated-lake';
import { readIdentityMap, type IdentityMap } from '../support/identity-zone';
import { fixtureEventLine } from '../support/record-lake';

describe('customer ids across runs', () => {
  const lastDay = DEFAULT_END_DAY;
  let lake: GeneratedLake;
  let storeDir: string;
  let store: EmbeddedIdentityStore;
  let first: StitchSummary;
  let firstMap: IdentityMap;

  before(async () => {
    // The lake holds 14 days, processed up to the day before the last: the daily run adds the last.
    lake = await generatedLake({ users: 2000, days: 14, processTo: addDays(lastDay, -1) });
    storeDir = mkdtempSync(path.join(os.tmpdir(), 'c360-identity-store-'));
    store = await EmbeddedIdentityStore.open(storeDir);
    first = await stitchLake(lake.engine, lake.layout, { store, now: () => 1_000 });
    firstMap = await readIdentityMap(lake.engine, lake.layout);
  });
  after(async () => {
    await store.close();
    await lake.close();
    rmSync(storeDir, { recursive: true, force: true });
  });

  it('a first run names every customer new and stores every assignment', () => {
    assert.equal(first.newCustomers, first.customers);
    assert.equal(first.store?.assigned, firstMap.customerOf.size);
    assert.equal(first.store?.customersWritten, first.customers);
  });

  it('re-running on the same lake gives the same ids, with a store or without one, and writes nothing', async () => {
    const again = await stitchLake(lake.engine, lake.layout, { store, now: () => 2_000 });
    assert.deepEqual((await readIdentityMap(lake.engine, lake.layout)).customerOf, firstMap.customerOf);
    assert.deepEqual(again.store, { assigned: 0, unassigned: 0, customersWritten: 0, merges: 0, undoneMerges: 0, repointedCustomers: 0, rebasedUnits: 0, deferredUnits: 0, deferredCustomers: 0, removedCustomers: 0 });
    assert.equal(again.keptCustomers, again.customers);
    assert.equal(again.newCustomers, 0);

    // Without a store ids derive from each customer's earliest identifier alone, so they are the same too.
    await stitchLake(lake.engine, lake.layout);
    assert.deepEqual((await readIdentityMap(lake.engine, lake.layout)).customerOf, firstMap.customerOf);
  });

  /**
   * Anonymous → logged-in journeys on the added day: people who browsed on a device of theirs without
   * logging in until now log in on it, so the day merges that device's customer into their account's.
   */
  function loginsOnLastDay(count: number): string[] {
    const truth = lake.truth();
    const lines: string[] = [];
    for (const person of truth.people) {
      if (lines.length === count || person.userId === undefined) continue;
      const account = firstMap.customerOf.get(identifierKey({ type: 'user_id', value: person.userId }));
      const device = person.devices.find((candidate) => {
        const customer = firstMap.customerOf.get(identifierKey({ type: 'device_id', value: candidate.id }));
        return !candidate.shared && customer !== undefined && account !== undefined && customer !== account;
      });
      if (device === undefined) continue;
      const anonymousId = device.installs[device.installs.length - 1].anonymousId;
      lines.push(fixtureEventLine({ at: `${lastDay}T12:00:00Z`, type: 'identify', userId: person.userId, anonymousId, deviceId: device.id }));
    }
    return lines;
  }

  it('adding a day keeps every existing id; customers the day merges are recorded as merged into the survivor', async () => {
    const logins = loginsOnLastDay(5);
    assert.equal(logins.length, 5);
    const dir = lake.layout.rawPartition('clickstream', lastDay);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'late-logins.jsonl'), `${logins.join('\n')}\n`);
    await lake.processDays(lastDay, lastDay);
    const added = await stitchLake(lake.engine, lake.layout, { store, now: () => 3_000 });
    const map = await readIdentityMap(lake.engine, lake.layout);
    assert.ok(map.customerOf.size > firstMap.customerOf.size, 'the day brought new identifiers');
    assert.ok(added.newCustomers > 0 && added.mergedCustomers >= logins.length, JSON.stringify(added));

    const mergedInto = new Map<string, string>();
    const ids = new Set(map.customerOf.values());
    for (const [customerId, customer] of await store.customers([...new Set(firstMap.customerOf.values())])) {
      if (customer.mergedInto !== null) mergedInto.set(customerId, customer.mergedInto);
      else assert.ok(ids.has(customerId), `${customerId} was neither kept nor merged`);
    }
    assert.equal(mergedInto.size, added.mergedCustomers);

    for (const [key, before] of firstMap.customerOf) {
      const now = map.customerOf.get(key);
      if (now === undefined) continue;
      assert.ok(now === before || mergedInto.get(before) === now, `${parseIdentifierKey(key).type}: ${before} → ${now}`);
    }

    for (const [from, into] of mergedInto) {
      const survivor = (await store.customers([into])).get(into);
      const absorbed = (await store.customers([from])).get(from);
      assert.ok(survivor && absorbed);
      assert.equal(survivor.mergedInto, null);
      assert.ok(survivor.mergedFrom.includes(from), `${into} lists ${from} as merged into it`);
      assert.ok(survivor.firstSeen <= absorbed.firstSeen, 'the older customer survives');
      assert.deepEqual(absorbed.identities, []);
      const merges = await store.mergesOf(from);
      const merge = merges.find((record) => record.from === from);
      assert.ok(merge, `the merge of ${from} is in its history`);
      assert.equal(merge.into, into);
      assert.equal(merge.via, 'batch');
      assert.equal(merge.at, 3_000);
      assert.ok(merge.cause !== null && merge.cause.recordId !== '', JSON.stringify(merge.cause));
      // The link that caused it joined two identifiers, each named by its own type and value, both the survivor's now.
      for (const end of merge.cause.link) assert.equal(map.customerOf.get(identifierKey(end)), into, `${end.type} ${end.value} of ${JSON.stringify(merge.cause)}`);
      assert.notEqual(identifierKey(merge.cause.link[0]), identifierKey(merge.cause.link[1]));
      // What an un-merge gives back: exactly what the absorbed customer held, by type then value.
      const heldBy = (customerId: string) =>
        [...firstMap.customerOf]
          .filter(([, customer]) => customer === customerId)
          .map(([key]) => parseIdentifierKey(key))
          .sort((a, b) => (a.type !== b.type ? (a.type < b.type ? -1 : 1) : a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
      const held = heldBy(from);
      assert.ok(held.length > 0);
      assert.deepEqual(merge.identifiers, held, `what ${from} held`);
      // And what it keeps apart from that: what the survivor held before.
      assert.deepEqual(merge.intoIdentifiers, heldBy(into), `what ${into} held`);
    }

    // The store answers lookups as the map does.
    const sample = [...map.customerOf].slice(0, 500);
    const found = await store.lookup(sample.map(([key]) => parseIdentifierKey(key)));
    for (const [key, customer] of sample) assert.equal(found.get(key), customer);

    const again = await stitchLake(lake.engine, lake.layout, { store, now: () => 4_000 });
    assert.deepEqual(again.store, { assigned: 0, unassigned: 0, customersWritten: 0, merges: 0, undoneMerges: 0, repointedCustomers: 0, rebasedUnits: 0, deferredUnits: 0, deferredCustomers: 0, removedCustomers: 0 }, 'a merged lake re-stitched changes nothing');
    assert.deepEqual((await readIdentityMap(lake.engine, lake.layout)).customerOf, map.customerOf);
  });
});
