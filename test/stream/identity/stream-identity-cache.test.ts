import { strict as assert } from 'node:assert';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { EmbeddedIdentityStore } from '../../../src/identity/embedded/embedded-identity-store';
import { identifierKey, type Identifier } from '../../../src/identity/identifier';
import { IncrementalStitcher } from '../../../src/identity/incremental/incremental-stitcher';
import { CompiledRules, DEFAULT_RULES } from '../../../src/identity/rules/identity-rules';
import type { ClickstreamEvent } from '../../../src/stream/clickstream-event';
import { AssignmentCache } from '../../../src/stream/identity/assignment-cache';
import { StitchedStreamIdentity } from '../../../src/stream/identity/stitched-stream-identity';
import type { ResolvedEvent } from '../../../src/stream/identity/stream-identity.port';
import { prng } from '../../identity/incremental/support/random-records';

const T0 = Date.UTC(2025, 5, 2, 8);
const rules = new CompiledRules(DEFAULT_RULES);

/** The embedded identity store, noting the identifiers each lookup asks for. */
type CountingStore = EmbeddedIdentityStore & { asked: string[] };

async function countingStore(dir: string): Promise<CountingStore> {
  const store = Object.assign(await EmbeddedIdentityStore.open(dir), { asked: [] as string[] });
  const lookup = store.lookup.bind(store);
  store.lookup = (identifiers: readonly Identifier[]) => {
    store.asked.push(...identifiers.map(identifierKey));
    return lookup(identifiers);
  };
  return store;
}

let sequence = 0;
const at = (minute: number) => new Date(T0 + minute * 60_000).toISOString();
const track = (ids: { userId?: string; anonymousId?: string; device?: string }, minute = sequence): ClickstreamEvent => ({
  type: 'track',
  event: 'Product Viewed',
  messageId: `m-${++sequence}`,
  timestamp: at(minute),
  receivedAt: at(minute),
  ...(ids.userId ? { userId: ids.userId } : {}),
  ...(ids.anonymousId ? { anonymousId: ids.anonymousId } : {}),
  ...(ids.device ? { context: { device: { id: ids.device } } } : {}),
});

/** SDK calls of a few people: anonymous browsing, logins (which link), aliases, a shared tablet, junk ids. */
function randomEvents(seed: number, count: number): ClickstreamEvent[] {
  const random = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  return Array.from({ length: count }, (_, index) => {
    const p = Math.floor(random() * 8);
    const anonymousId = random() < 0.05 ? 'null' : `anon-${p}-${Math.floor(random() * 3)}`;
    const device = random() < 0.2 ? 'family-tablet' : `device-${p}`;
    const kind = random();
    const base = { messageId: `r-${seed}-${index}`, timestamp: at(index), receivedAt: at(index), anonymousId, context: { device: { id: device } } };
    if (kind < 0.5) return { ...base, type: 'track', event: 'Product Viewed', ...(random() < 0.4 ? { userId: `user-${p}` } : {}) };
    if (kind < 0.7) return { ...base, type: 'identify', userId: `user-${p}`, traits: { email: `person${pick([p, p, p + 1])}@example.com` } };
    if (kind < 0.8) return { ...base, type: 'alias', userId: `user-${p}`, previousId: `anon-${p}-${Math.floor(random() * 3)}` };
    return { ...base, type: 'page', name: 'Home' };
  });
}

describe('stream identity with an assignment cache', () => {
  let dirs: string[];
  const open = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'c360-stream-identity-cache-'));
    dirs.push(dir);
    return countingStore(dir);
  };
  let stores: CountingStore[];
  beforeEach(() => {
    dirs = [];
    stores = [];
  });
  afterEach(async () => {
    await Promise.all(stores.map((store) => store.close()));
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  const identityOn = async (cache?: AssignmentCache, now = () => T0) => {
    const store = await open();
    stores.push(store);
    const stitcher = new IncrementalStitcher(store, rules, { now });
    return { store, stitcher, identity: new StitchedStreamIdentity(stitcher, { cache, now }) };
  };
  const applied = async (identity: StitchedStreamIdentity, events: readonly ClickstreamEvent[]): Promise<ResolvedEvent[]> => {
    const resolution = await identity.resolve(events);
    await resolution.commit();
    return resolution.events;
  };

  it('resolves exactly as without it, event by event and in the store, whatever the batches', async () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const events = randomEvents(seed, 300);
      const fresh = await identityOn();
      const cached = await identityOn(new AssignmentCache(60_000, 10_000));
      const random = prng(seed * 7);
      for (let start = 0; start < events.length; ) {
        const end = Math.min(events.length, start + 1 + Math.floor(random() * 40));
        const batch = events.slice(start, end);
        assert.deepEqual(await applied(cached.identity, batch), await applied(fresh.identity, batch), `seed ${seed}, events ${start}..${end}`);
        start = end;
      }
      const assignments = async (store: EmbeddedIdentityStore) => {
        const all: string[] = [];
        for await (const page of store.scanAssignments()) all.push(...page.map(({ identifier, customerId }) => `${identifierKey(identifier)} → ${customerId}`));
        return all.sort();
      };
      assert.deepEqual(await assignments(cached.store), await assignments(fresh.store));
      assert.ok(cached.store.asked.length < fresh.store.asked.length, `seed ${seed}: the cache answered lookups (${cached.store.asked.length} vs ${fresh.store.asked.length} read)`);
    }
  });

  it('reads nothing for the events of a customer it resolved within the TTL, and reads again after', async () => {
    let clock = T0;
    const { store, identity } = await identityOn(new AssignmentCache(60_000, 100), () => clock);
    const [first] = await applied(identity, [track({ userId: 'u1', anonymousId: 'a1', device: 'd1' })]);
    store.asked = [];
    const again = await applied(identity, [track({ userId: 'u1', anonymousId: 'a1', device: 'd1' }), track({ anonymousId: 'a1' }), track({ userId: 'u1' })]);
    assert.deepEqual(again.map((event) => event.customerId), [first.customerId, first.customerId, first.customerId]);
    assert.deepEqual(store.asked, []);
    clock += 60_000;
    await applied(identity, [track({ anonymousId: 'a1' })]);
    assert.deepEqual(store.asked, ['anonymous_id:a1']);
  });

  it('plans on fresh reads every event that links something new, and a cached event its plan could move', async () => {
    const { store, identity } = await identityOn(new AssignmentCache(60_000, 100));
    const [anonymous] = await applied(identity, [track({ anonymousId: 'a2' })]);
    const [account] = await applied(identity, [track({ userId: 'u2', anonymousId: 'a2-web' })]);
    store.asked = [];
    // The login links a2 (cached, anonymous's) with u2: a2's later event must follow the merge.
    const resolved = await applied(identity, [track({ userId: 'u2', anonymousId: 'a2' }), track({ anonymousId: 'a2' }), track({ anonymousId: 'a2-web' })]);
    assert.equal(resolved[0].merges.length, 1);
    const survivor = resolved[0].customerId;
    assert.ok(survivor === anonymous.customerId || survivor === account.customerId);
    assert.deepEqual(resolved.map((event) => event.customerId), [survivor, survivor, survivor]);
    assert.ok(store.asked.includes('anonymous_id:a2-web'), 'a2-web: cached, but its customer merged in the same batch, so the batch was planned fresh');
  });

  it('writes nothing on cached knowledge: a link made elsewhere reaches cached events within the TTL, and new links at once', async () => {
    let clock = T0;
    const { store, identity } = await identityOn(new AssignmentCache(60_000, 100), () => clock);
    const [anonymous] = await applied(identity, [track({ anonymousId: 'a3' })]);
    const [account] = await applied(identity, [track({ userId: 'u3' })]);
    // A person links them elsewhere (through the API's stitcher, on the same store).
    const elsewhere = new IncrementalStitcher(store, rules, { via: 'manual', now: () => clock });
    const [external] = await elsewhere.stitch([{ source: 'manual', recordId: 'x', time: T0, identifiers: [{ type: 'user_id', value: 'u3' }, { type: 'anonymous_id', value: 'a3' }] }]);
    const survivor = external.customerOf.get('anonymous_id:a3');
    const absorbed = survivor === anonymous.customerId ? account.customerId : anonymous.customerId;
    // A new identifier next to a3 is planned on fresh reads: it joins the survivor, never the absorbed customer.
    const [linked, cachedOnly] = await applied(identity, [track({ anonymousId: 'a3', device: 'd3-new' }), track({ userId: 'u3' })]);
    assert.equal(linked.customerId, survivor);
    assert.equal((await store.lookup([{ type: 'device_id', value: 'd3-new' }])).get('device_id:d3-new'), survivor);
    // u3 alone is settled by the cache: the cached customer until the TTL passes, then the survivor.
    assert.ok(cachedOnly.customerId === survivor || cachedOnly.customerId === absorbed);
    clock += 60_000;
    const [later] = await applied(identity, [track({ userId: 'u3' })]);
    assert.equal(later.customerId, survivor);
  });
});
