import { normalizeIdentifier } from '../identifier-normalization';
import { identifierKey, type Identifier } from '../identifier';
import { compareText, type CompiledRules } from '../rules/identity-rules';

/**
 * One record that carries identifiers together (an identify or alias event, any event with both an
 * anonymous and a user id, an order): what a link, and so a merge, is made from.
 */
export interface IdentityRecord {
  /** Where it came from, as batch stitching names its sources (`clickstream`, `orders`, …). */
  source: string;
  recordId: string;
  /** Epoch ms of the record; NaN when unknown. */
  time: number;
  /** Raw values, as the record holds them; junk and malformed ones are dropped by normalizeRecord. */
  identifiers: readonly Identifier[];
}

export interface NormalizedRecord extends Omit<IdentityRecord, 'identifiers'> {
  /** Normalized, without duplicates, strongest type first: the first is the anchor the others link to. */
  identifiers: Identifier[];
}

/**
 * The record as stitching reads it, exactly as batch stitching does (record-identifiers.sql.ts):
 * values normalized, junk dropped, ordered by type priority (then type name), the record's own
 * order kept within a type, so both link the same pairs in the same order.
 */
export function normalizeRecord(record: IdentityRecord, rules: CompiledRules): NormalizedRecord {
  const seen = new Set<string>();
  const identifiers: Identifier[] = [];
  for (const raw of record.identifiers) {
    const value = normalizeIdentifier(raw.type, raw.value, rules.blocklist);
    if (value === null) continue;
    const identifier = { type: raw.type, value };
    const key = identifierKey(identifier);
    if (seen.has(key)) continue;
    seen.add(key);
    identifiers.push(identifier);
  }
  // Array.prototype.sort is stable: identifiers of one type keep the record's order.
  identifiers.sort((a, b) => rules.rank(a.type) - rules.rank(b.type) || compareText(a.type, b.type));
  return { source: record.source, recordId: record.recordId, time: record.time, identifiers };
}
