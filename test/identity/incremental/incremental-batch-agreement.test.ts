import { strict as assert } from 'node:assert';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { EmbeddedIdentityStore } from '../../../src/identity/embedded/embedded-identity-store';
import { identifierKey, USER_ID } from '../../../src/identity/identifier';
import type { IdentityStore, StoredCustomer } from '../../../src/identity/identity-store.port';
import type { IdentityRecord } from '../../../src/identity/incremental/identity-record';
import { IncrementalStitcher } from '../../../src/identity/incremental/incremental-stitcher';
import { CompiledRules, compareText, DEFAULT_RULES } from '../../../src/identity/rules/identity-rules';
import { batchPartition, partitionText } from './support/graph-reference';
import { prng, randomRecords } from './support/random-records';

const CASES = Number(process.env.C360_PROPERTY_CASES ?? 300);

/** Rules with small caps now and then, so capping decides links. */
function randomRules(seed: number): CompiledRules {
  const random = prng(seed ^ 0x5eed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  return new CompiledRules({
    ...DEFAULT_RULES,
    maxPerType: { ...DEFAULT_RULES.maxPerType, email: pick([1, 2, 5]), phone: pick([1, 5]), device_id: pick([1, 2, 10]), anonymous_id: pick([1, 3, 100]) },
    priority: random() < 0.2 ? ['user_id', 'device_id', 'email', 'phone', 'anonymous_id'] : DEFAULT_RULES.priority,
  });
}

/** The order records arrive in: event time, then source and record id (batch stitching's order). */
function inTimeOrder(records: readonly IdentityRecord[]): IdentityRecord[] {
  return [...records].sort((a, b) => a.time - b.time || compareText(a.source, b.source) || compareText(a.recordId, b.recordId));
}

async function storedState(store: IdentityStore): Promise<{ members: Map<string, string[]>; customers: Map<string, StoredCustomer> }> {
  const members = new Map<string, string[]>();
  for await (const page of store.scanAssignments()) for (const { identifier, customerId } of page) members.set(customerId, [...(members.get(customerId) ?? []), identifierKey(identifier)]);
  const customers = new Map<string, StoredCustomer>();
  for await (const page of store.scanCustomers()) for (const customer of page) customers.set(customer.customerId, customer);
  return { members, customers };
}

/** What must hold whatever the events: records agree with assignments, rules are respected, lineage is whole. */
function assertConsistent(members: Map<string, string[]>, customers: Map<string, StoredCustomer>, rules: CompiledRules, label: string): void {
  for (const [customerId, keys] of members) {
    const customer = customers.get(customerId);
    assert.ok(customer, `${label}: ${customerId} has identifiers but no record`);
    assert.equal(customer.mergedInto, null, `${label}: identifiers point to merged-away ${customerId}`);
    assert.deepEqual(customer.identities.map(identifierKey).sort(), [...keys].sort(), `${label}: ${customerId}'s record lists its identifiers`);
    const counts = new Map<string, number>();
    for (const { type } of customer.identities) counts.set(type, (counts.get(type) ?? 0) + 1);
    for (const [type, count] of counts) assert.ok(count <= rules.cap(type), `${label}: ${customerId} holds ${count} ${type} (cap ${rules.cap(type)})`);
    assert.ok((counts.get(USER_ID) ?? 0) <= 1, `${label}: two accounts in ${customerId}`);
  }
  for (const customer of customers.values()) {
    if (customer.mergedInto === null) continue;
    assert.deepEqual(customer.identities, [], `${label}: merged-away ${customer.customerId} still lists identifiers`);
    let survivor = customers.get(customer.mergedInto);
    for (let depth = 0; survivor && survivor.mergedInto !== null && depth < 50; depth++) survivor = customers.get(survivor.mergedInto);
    assert.ok(survivor && survivor.mergedInto === null, `${label}: ${customer.customerId} leads to no survivor`);
    assert.ok(survivor.mergedFrom.includes(customer.customerId), `${label}: survivor ${survivor.customerId} forgets ${customer.customerId}`);
  }
}

describe('incremental stitching agrees with batch stitching (property, seeded)', () => {
  it(`gives the same partition as the batch graph stitcher on ${CASES} random event sequences, applied one by one or in small batches`, { timeout: 600_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'c360-incremental-'));
    let merges = 0;
    let refusals = 0;
    try {
      for (let seed = 1; seed <= CASES; seed++) {
        const random = prng(seed * 7919);
        const rules = randomRules(seed);
        const records = randomRecords(seed, 10 + Math.floor(random() * 70));
        const store = await EmbeddedIdentityStore.open(join(dir, String(seed)));
        try {
          const stitcher = new IncrementalStitcher(store, rules, { now: () => Date.UTC(2025, 3, 1) });
          const ordered = inTimeOrder(records);
          for (let start = 0; start < ordered.length; ) {
            // Batches as a stream consumer takes them: sometimes one event, sometimes several.
            const size = random() < 0.5 ? 1 : 1 + Math.floor(random() * 8);
            const outcomes = await stitcher.stitch(ordered.slice(start, start + size));
            for (const outcome of outcomes) {
              merges += outcome.merges.length;
              refusals += outcome.refused.length;
            }
            start += size;
          }
          const { members, customers } = await storedState(store);
          const label = `seed ${seed}`;
          assert.deepEqual(partitionText(members.values()), batchPartition(records, rules), `${label}: partitions differ`);
          assertConsistent(members, customers, rules, label);
        } finally {
          await store.close();
        }
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    // The generator must exercise what the property is about, or it proves nothing.
    assert.ok(merges > CASES, `${merges} merges of existing customers across the cases`);
    assert.ok(refusals > CASES, `${refusals} refused links across the cases`);
  });
});
