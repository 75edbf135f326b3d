import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { stitchLake } from '../../../src/identity/batch/stitch-lake';
import { EmbeddedIdentityStore } from '../../../src/identity/embedded/embedded-identity-store';
import { identifierKey } from '../../../src/identity/identifier';
import { identityRelation } from '../../../src/identity/identity-tables';
import { IncrementalStitcher } from '../../../src/identity/incremental/incremental-stitcher';
import { CompiledRules, compareText, DEFAULT_RULES, type IdentityRules } from '../../../src/identity/rules/identity-rules';
import { DuckDbLakeEngine } from '../../../src/lake/duckdb/duckdb-lake-engine';
import { LakeLayout } from '../../../src/lake/lake-layout';
import { processLake } from '../../../src/lake/processing/process-lake';
import { silentLogger } from '../../../src/shared/logger.port';
import { eventTimeMs, type ClickstreamEvent } from '../../../src/stream/clickstream-event';
import { StitchedStreamIdentity } from '../../../src/stream/identity/stitched-stream-identity';
import { prng } from '../../identity/incremental/support/random-records';

const T0 = Date.UTC(2025, 5, 2, 8);
const JUNK = ['null', '0', 'undefined', '00000000-0000-0000-0000-000000000000', 'unknown', '-1'];

/** SDK calls of a few people on few devices: anonymous browsing, identify with traits, alias, shared tablets, junk ids. */
function randomEvents(seed: number, count: number, options: { memberIds?: boolean } = {}): ClickstreamEvent[] {
  const random = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const junkOr = (value: string) => (random() < 0.07 ? pick(JUNK) : value);
  const events: ClickstreamEvent[] = [];
  for (let index = 0; index < count; index++) {
    const p = Math.floor(random() * 6);
    const timestamp = new Date(T0 + Math.floor(random() * count) * 30_000).toISOString();
    const anonymousId = junkOr(`anon-${p}-${Math.floor(random() * 3)}`);
    const userId = junkOr(`user-${p}`);
    const deviceId = junkOr(random() < 0.3 ? 'family-tablet' : `device-${p}-${Math.floor(random() * 2)}`);
    const base = { messageId: `m-${seed}-${index}`, timestamp, receivedAt: timestamp, anonymousId, context: { device: { id: deviceId } } };
    const kind = random();
    if (kind < 0.4) events.push({ ...base, type: 'track', event: 'Product Viewed', ...(random() < 0.3 ? { userId } : {}) });
    else if (kind < 0.65) {
      const traits = {
        email: junkOr(random() < 0.2 ? 'Family@Example.com' : `Person${p}@example.com `),
        phone: random() < 0.5 ? junkOr(`98450${String(10_000 + p).slice(1)}`) : 9845000000 + p,
        // A configured trait identifier: a string, else a number or an object neither stitcher reads, now and then a family's shared one.
        ...(options.memberIds ? { memberId: pick<unknown>([junkOr(` MBR-${p} `), `MBR-${p}`, 'MBR-family', 4400 + p, { id: `MBR-${p}` }]) } : {}),
      };
      // Traits sit at the top level or in context.traits, as different SDKs send them.
      events.push(random() < 0.5 ? { ...base, type: 'identify', userId, traits } : { ...base, type: 'identify', userId, context: { ...base.context, traits } });
    } else if (kind < 0.8) events.push({ ...base, type: 'alias', userId, previousId: junkOr(`anon-${p}-${Math.floor(random() * 3)}`) });
    else events.push({ ...base, type: 'page', name: 'Home', ...(random() < 0.5 ? { userId } : {}) });
  }
  return events;
}

function partition(members: Iterable<string[]>): string[] {
  return [...members].map((keys) => [...keys].sort().join(' | ')).sort();
}

async function batchPartition(events: readonly ClickstreamEvent[], rules: IdentityRules): Promise<string[]> {
  const root = mkdtempSync(path.join(tmpdir(), 'c360-stream-identity-lake-'));
  const engine = await DuckDbLakeEngine.open({ lakeRoot: root, memoryLimit: '512MB', threads: 1 });
  try {
    const layout = new LakeLayout(root);
    const dir = path.join(root, 'raw', 'clickstream', 'dt=2025-06-02');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'collector.jsonl'), events.map((event) => JSON.stringify(event)).join('\n') + '\n');
    await processLake(layout, engine, {}, silentLogger);
    await stitchLake(engine, layout, { rules });
    const members = new Map<string, string[]>();
    for (const row of await engine.query(`SELECT id_type, id_value, customer_id FROM ${identityRelation(engine, layout, 'identity_map')}`)) {
      const customer = String(row.customer_id);
      members.set(customer, [...(members.get(customer) ?? []), identifierKey({ type: String(row.id_type), value: String(row.id_value) })]);
    }
    return partition(members.values());
  } finally {
    await engine.close();
    rmSync(root, { recursive: true, force: true });
  }
}

async function streamPartition(events: readonly ClickstreamEvent[], rules: IdentityRules, seed: number): Promise<string[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'c360-stream-identity-store-'));
  const store = await EmbeddedIdentityStore.open(dir);
  try {
    const identity = new StitchedStreamIdentity(new IncrementalStitcher(store, new CompiledRules(rules)));
    const ordered = [...events].sort((a, b) => eventTimeMs(a) - eventTimeMs(b) || compareText(a.messageId, b.messageId));
    const random = prng(seed * 31);
    for (let start = 0; start < ordered.length; ) {
      const size = 1 + Math.floor(random() * 20);
      const resolution = await identity.resolve(ordered.slice(start, start + size));
      await resolution.commit();
      start += size;
    }
    const members = new Map<string, string[]>();
    for await (const page of store.scanAssignments()) for (const { identifier, customerId } of page) members.set(customerId, [...(members.get(customerId) ?? []), identifierKey(identifier)]);
    return partition(members.values());
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('stream identity agrees with the batch stitch of the lake the same events land in', () => {
  it('reads the configured trait identifiers alike, strings only, wherever the SDK put the traits', { timeout: 300_000 }, async () => {
    for (const seed of [11, 12, 13]) {
      const rules: IdentityRules = {
        ...DEFAULT_RULES,
        traitIdentifiers: [{ type: 'member_id', trait: 'memberId' }],
        maxPerType: { ...DEFAULT_RULES.maxPerType, member_id: 1 + (seed % 2), device_id: 1 + (seed % 3) },
      };
      const events = randomEvents(seed, 250, { memberIds: true });
      const batch = await batchPartition(events, rules);
      const memberIds = new Set(batch.flatMap((customer) => customer.split(' | ').filter((key) => key.startsWith('member_id:'))));
      for (const key of memberIds) assert.match(key, /^member_id:MBR-(\d|family)$/, `seed ${seed}: only strings, trimmed, junk left out`);
      assert.ok(memberIds.size >= 4, `seed ${seed}: the batch read member ids (${[...memberIds].join(', ')})`);
      assert.deepEqual(await streamPartition(events, rules, seed), batch, `seed ${seed}`);
    }
  });


  it('gives the same customers as c360 lake process + identity stitch, on random SDK calls', { timeout: 300_000 }, async () => {
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const rules: IdentityRules = { ...DEFAULT_RULES, maxPerType: { ...DEFAULT_RULES.maxPerType, device_id: 1 + (seed % 3), anonymous_id: 2 + (seed % 4), email: 1 + (seed % 2) } };
      const events = randomEvents(seed, 250);
      const batch = await batchPartition(events, rules);
      assert.ok(batch.length > 3, `seed ${seed}: ${batch.length} customers`);
      assert.deepEqual(await streamPartition(events, rules, seed), batch, `seed ${seed}`);
    }
  });
});
