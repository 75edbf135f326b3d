import { sqlString } from '../../lake/lake-relation';
import { normalizedIdentifierSql } from '../identifier-normalization';
import type { CompiledRules } from '../rules/identity-rules';

/** Epoch ms for records without a time: after every real one (the largest time a JS Date holds). */
export const NO_TIME_MS = 8_640_000_000_000_000;

/** One identifier slot of a record: its type and the SQL expression of its raw value. */
interface Slot {
  type: string;
  raw: string;
}

/** How one processed table becomes identity records: a record id, a time, and the identifiers it carries together. */
export interface RecordSource {
  /** The processed table, also the `source` of its edges. */
  table: string;
  recordId: string;
  time: string;
  slots: readonly Slot[];
}

const identifyOnly = (expr: string) => `CASE WHEN type = 'identify' THEN ${expr} END`;

/**
 * Where identifiers appear together (DESIGN.md's data contracts, processed columns):
 * - clickstream: every event's userId, anonymousId and context.device.id; an identify's traits
 *   email and phone; an alias's previousId, which RudderStack and Segment SDKs fill with the
 *   anonymous id the user had (treating it as a user id would only ever be refused, since two
 *   accounts never merge);
 * - orders, lab bookings, consultations: the account with the phone and email on the record;
 * - API logs: the identifiers processing extracted from headers and bodies.
 */
export const RECORD_SOURCES: readonly RecordSource[] = [
  {
    table: 'clickstream',
    recordId: 'message_id',
    time: 'event_time',
    slots: [
      { type: 'user_id', raw: 'user_id' },
      { type: 'email', raw: identifyOnly(`json_extract_string(traits, '$.email')`) },
      { type: 'phone', raw: identifyOnly(`json_extract_string(traits, '$.phone')`) },
      { type: 'device_id', raw: 'device_id' },
      { type: 'anonymous_id', raw: 'anonymous_id' },
      { type: 'anonymous_id', raw: `CASE WHEN type = 'alias' AND previous_id IS DISTINCT FROM anonymous_id THEN previous_id END` },
    ],
  },
  ...(['orders', 'lab_bookings', 'consultations'] as const).map((table) => ({
    table,
    recordId: { orders: 'order_id', lab_bookings: 'booking_id', consultations: 'consultation_id' }[table],
    time: 'coalesce(created_at, updated_at)',
    slots: [
      { type: 'user_id', raw: 'user_id' },
      { type: 'email', raw: 'email' },
      { type: 'phone', raw: 'phone' },
    ],
  })),
  {
    table: 'api_logs',
    // API logs carry no request id; the endpoint and time identify the record for people reading the audit.
    recordId: `concat_ws(' ', service, method, path)`,
    time: 'event_time',
    slots: [
      { type: 'user_id', raw: 'user_id' },
      { type: 'email', raw: 'email' },
      { type: 'phone', raw: 'phone' },
      { type: 'device_id', raw: 'device_id' },
    ],
  },
];

/**
 * One row per record: `ids` lists its identifiers strongest type first (the order stitching links
 * them in), each with its raw text and normalized value (NULL when junk or malformed, kept so the
 * audit can count blocked values).
 */
export function recordsSelectSql(source: RecordSource, relation: string, rules: CompiledRules): string {
  const slots = [...source.slots].sort((a, b) => rules.rank(a.type) - rules.rank(b.type) || (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
  const structs = slots.map((slot) => {
    const raw = `CAST(${slot.raw} AS VARCHAR)`;
    return `{'type': ${sqlString(slot.type)}, 'raw': ${raw}, 'value': ${normalizedIdentifierSql(slot.type, raw, rules.rules.blocklist)}}`;
  });
  return `SELECT ${sqlString(source.table)} AS source,
      CAST(${source.recordId} AS VARCHAR) AS record_id,
      coalesce(epoch_ms(${source.time}), ${NO_TIME_MS}) AS t,
      list_filter([${structs.join(',\n        ')}], x -> x.raw IS NOT NULL) AS ids
    FROM ${relation}`;
}
