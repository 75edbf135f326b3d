import type { Identifier } from '../../../../src/identity/identifier';
import type { IdentityRecord } from '../../../../src/identity/incremental/identity-record';

/** A deterministic pseudo-random sequence (mulberry32), so a failing case can be replayed by its seed. */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

const JUNK = ['null', '0', 'undefined', '00000000-0000-0000-0000-000000000000', ' ', 'test@test.com', 'unknown', '-1'];
const T0 = Date.UTC(2025, 2, 1);

/**
 * Random records of a small population as the lake holds them: clickstream events (anonymous
 * browsing, identify with traits, alias, events with both ids), orders (account, phone, email) and
 * API logs (device, account). Few people, few devices, so identifiers collide: family tablets and
 * shared emails try to merge accounts, junk values appear everywhere, many records share a time.
 */
export function randomRecords(seed: number, count: number): IdentityRecord[] {
  const random = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const people = 2 + Math.floor(random() * 6);
  const maybeJunk = (value: string) => (random() < 0.08 ? pick(JUNK) : value);
  const user = (p: number) => maybeJunk(`u${p}`);
  const anon = (p: number) => maybeJunk(`a${p}-${Math.floor(random() * 3)}`);
  const device = (p: number) => maybeJunk(random() < 0.25 ? `tablet-${p % 2}` : `d${p}-${Math.floor(random() * 2)}`);
  const email = (p: number) => maybeJunk(random() < 0.2 ? 'Family@Example.com ' : `p${p}@example.com`);
  const phone = (p: number) => maybeJunk(random() < 0.2 ? '+91 98765 00000' : `98765${String(10_000 + p).slice(1)}`);
  const records: IdentityRecord[] = [];
  for (let index = 0; index < count; index++) {
    const p = Math.floor(random() * people);
    // Coarse times: records often tie, and then source and record id decide the order.
    const time = T0 + Math.floor(random() * count) * 60_000;
    const kind = random();
    const ids: Identifier[] = [];
    let source = 'clickstream';
    if (kind < 0.3) {
      if (random() < 0.4) ids.push({ type: 'user_id', value: user(p) });
      ids.push({ type: 'device_id', value: device(p) }, { type: 'anonymous_id', value: anon(p) });
    } else if (kind < 0.5) {
      // identify: traits, device, anonymous id
      ids.push({ type: 'user_id', value: user(p) });
      if (random() < 0.6) ids.push({ type: 'email', value: email(p) });
      if (random() < 0.4) ids.push({ type: 'phone', value: phone(p) });
      ids.push({ type: 'device_id', value: device(p) }, { type: 'anonymous_id', value: anon(p) });
    } else if (kind < 0.6) {
      // alias: the previous anonymous id after the current one
      ids.push({ type: 'user_id', value: user(p) }, { type: 'anonymous_id', value: anon(p) }, { type: 'anonymous_id', value: anon(p) });
    } else if (kind < 0.85) {
      source = pick(['orders', 'lab_bookings', 'consultations']);
      ids.push({ type: 'user_id', value: user(p) }, { type: 'email', value: email(p) }, { type: 'phone', value: phone(p) });
    } else {
      source = 'api_logs';
      if (random() < 0.7) ids.push({ type: 'user_id', value: user(p) });
      if (random() < 0.5) ids.push({ type: 'email', value: email(p) });
      ids.push({ type: 'device_id', value: device(p) });
    }
    // Records list identifiers in any order; stitching orders them by type priority.
    for (let i = ids.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [ids[i], ids[j]] = [ids[j] as Identifier, ids[i] as Identifier];
    }
    records.push({ source, recordId: `r${String(Math.floor(random() * 1000)).padStart(3, '0')}-${index}`, time, identifiers: ids });
  }
  return records;
}
