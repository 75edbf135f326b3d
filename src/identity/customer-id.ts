import { createHash } from 'node:crypto';
import type { Identifier } from './identifier';

/** Hex digits kept: 80 bits, so ten million customers collide with odds of about 4 in 10^11. */
const HEX_DIGITS = 20;
export const CUSTOMER_ID_PATTERN = /^c_[0-9a-f]{20}$/;

/**
 * The id a new customer gets: `c_` and a salted hash of its seed (its earliest identifier). Derived,
 * not random, so the same inputs give the same ids on every run and batch and stream agree on a
 * new customer's id without talking to each other. The secret salt keeps the id from revealing the
 * identifier (a hash of a phone number alone could be reversed by trying every number).
 * `attempt` > 0 derives another id when the first is already taken by a different customer.
 */
export function customerIdFor(seed: Identifier, salt: string, attempt = 0): string {
  const text = `${salt}:${seed.type}:${seed.value}${attempt > 0 ? `#${attempt}` : ''}`;
  return `c_${createHash('sha256').update(text, 'utf8').digest('hex').slice(0, HEX_DIGITS)}`;
}

/** SQL for customerIdFor; `salt` is a `?` placeholder (the secret never appears in SQL text or logs). */
export function customerIdSql(type: string, value: string, attempt: string): string {
  return `'c_' || left(sha256(? || ':' || ${type} || ':' || ${value} || CASE WHEN ${attempt} > 0 THEN '#' || ${attempt} ELSE '' END), ${HEX_DIGITS})`;
}
