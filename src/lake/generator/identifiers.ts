import type { Rng, SeedSpace } from './prng';
import { mix32 } from './prng';

// Identifiers are unique by construction (bijections of the user index), not by luck: a collision
// between two synthetic customers would be an identity-graph bug nobody could tell from a real one.

const LOW20 = 0xfffff;
const TWO20 = 0x100000;

/** A Feistel network on 40 bits: a keyed bijection, so distinct inputs give distinct random-looking ids. */
function permute40(value: number, key: number): number {
  let left = Math.floor(value / TWO20);
  let right = value % TWO20;
  for (let round = 0; round < 4; round++) {
    const next = (left ^ mix32(right ^ mix32(key + round))) & LOW20;
    left = right;
    right = next;
  }
  return left * TWO20 + right;
}

/** Records a user may own per table; seq is packed under the user index. */
export const MAX_RECORDS_PER_USER = 256;

export type RecordPrefix = 'OD' | 'LB' | 'CN';

/** `OD0123456789012`: 13 digits, fixed width so ids sort as text the way they sort as numbers. */
export function recordId(seeds: SeedSpace, prefix: RecordPrefix, userIndex: number, seq: number): string {
  const key = seeds.word('record-id', prefix.charCodeAt(0) * 256 + prefix.charCodeAt(1));
  return prefix + String(permute40(userIndex * MAX_RECORDS_PER_USER + seq, key)).padStart(13, '0');
}

export function userIdOf(index: number): string {
  return `u_${String(index).padStart(6, '0')}`;
}

/** A 10-digit Indian mobile number, unique per user index below 10^9 (affine bijection mod 10^9). */
export function mobileNumber(seeds: SeedSpace, index: number): string {
  let multiplier = (seeds.word('mobile', 0) & 0x1fffff) | 1;
  if (multiplier % 5 === 0) multiplier += 2;
  const offset = seeds.word('mobile', 1) % 1_000_000_000;
  const suffix = (multiplier * (index % 1_000_000_000) + offset) % 1_000_000_000;
  const lead = '9876'[seeds.word('mobile-lead', index) % 4];
  return lead + String(suffix).padStart(9, '0');
}

/** How a source writes phone numbers; each system in a real company has its own habit. */
export type PhoneHabit = 'app' | 'orders' | 'bookings' | 'api';

const PHONE_FORMATS: readonly ((digits: string) => string)[] = [
  (d) => `+91 ${d}`,
  (d) => `0${d}`,
  (d) => `${d.slice(0, 5)}-${d.slice(5)}`,
  (d) => d,
  (d) => `+91${d}`,
  (d) => `91${d}`,
];

const PHONE_WEIGHTS: Readonly<Record<PhoneHabit, readonly number[]>> = {
  app: [45, 5, 5, 40, 5, 0],
  orders: [10, 10, 0, 20, 60, 0],
  bookings: [30, 35, 25, 10, 0, 0],
  api: [30, 10, 10, 35, 10, 5],
};

export function formatPhone(rng: Rng, digits: string, habit: PhoneHabit): string {
  return PHONE_FORMATS[rng.weightedIndex(PHONE_WEIGHTS[habit])](digits);
}

/** A lower-case address ending in the user index: unique, since names never end in digits. */
export function emailFor(rng: Rng, first: string, last: string, index: number, domain: string): string {
  const f = first.toLowerCase();
  const l = last.toLowerCase();
  const local = [`${f}.${l}${index}`, `${f}${index}`, `${f}_${l}${index}`, `${f[0]}${l}${index}`][rng.int(0, 3)];
  return `${local}@${domain}`;
}

/** People and forms vary case and whitespace; identity matching has to normalise both. */
export function emailAsTyped(rng: Rng, email: string): string {
  const roll = rng.float();
  if (roll < 0.88) return email;
  if (roll < 0.93) return email.charAt(0).toUpperCase() + email.slice(1);
  if (roll < 0.95) return email.toUpperCase();
  if (roll < 0.98) return ` ${email}`;
  return `${email} `;
}
