import { sqlString } from '../../lake/lake-relation';
import { blockedSql, duckDbTrimmedIdentifierSql, normalizedFromPartsSql, phoneBlockedSql, phoneDigitsSql } from '../identifier-normalization';
import { withoutInsertionOrder } from './insertion-order.sql';
import { TRAIT_NAME, type CompiledRules, type TraitIdentifier } from '../rules/identity-rules';

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
  /** SQL of the record's id, the `record_id` of its edges' provenance. */
  recordId: string;
  /**
   * When recordId is a column processing added later: the id of a record in a file processed before
   * it existed. The stitch reads the column where present and this elsewhere (see recordIdSql).
   */
  legacyRecordId?: string;
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
    // API logs carry no request id: processing names each by its raw file and line. Before it did,
    // the endpoint stood in, which many records share. Records of one time rank by id as text
    // (recordTiesSql: line 10 before line 9), which is all a tie needs: the same order every run.
    recordId: 'log_id',
    legacyRecordId: `concat_ws(' ', service, method, path)`,
    time: 'event_time',
    slots: [
      { type: 'user_id', raw: 'user_id' },
      { type: 'email', raw: 'email' },
      { type: 'phone', raw: 'phone' },
      { type: 'device_id', raw: 'device_id' },
    ],
  },
];

/** SQL: an identify's top-level trait when it holds a string (TraitIdentifier), else NULL. */
function traitSql(trait: string): string {
  if (!TRAIT_NAME.test(trait)) throw new Error(`identity: a trait identifier names a top-level trait of letters, digits and _, not ${JSON.stringify(trait)}`);
  const path = sqlString(`$.${trait}`);
  return identifyOnly(`CASE WHEN json_type(traits, ${path}) = 'VARCHAR' THEN json_extract_string(traits, ${path}) END`);
}

/**
 * The record sources under the rules: RECORD_SOURCES, the clickstream reading the configured trait
 * identifiers too (after its own slots, so a record's order within a type is the stream's).
 */
export function recordSourcesFor(rules: CompiledRules): RecordSource[] {
  const traits: readonly TraitIdentifier[] = rules.rules.traitIdentifiers;
  return RECORD_SOURCES.map((source) =>
    source.table === 'clickstream' && traits.length > 0 ? { ...source, slots: [...source.slots, ...traits.map(({ type, trait }) => ({ type, raw: traitSql(trait) }))] } : source,
  );
}

/**
 * SQL of a source's record id over a processed table with these columns: a lake processed in part
 * before the id column existed reads NULL for it in the older files (the lake's tables are read by
 * column name), and none of its files may have it.
 */
export function recordIdSql(source: RecordSource, columns: ReadonlySet<string>): string {
  if (source.legacyRecordId === undefined) return source.recordId;
  return columns.has(source.recordId) ? `coalesce(${source.recordId}, ${source.legacyRecordId})` : source.legacyRecordId;
}

/**
 * Sources by name: a record's `source` is its index here, so ordering records by the code orders
 * them by source name, as every stitcher breaks ties (batch, incremental and their reference).
 */
export const SOURCE_NAMES: readonly string[] = RECORD_SOURCES.map((source) => source.table).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

/** SQL: the source name of a source code column. */
export function sourceNameSql(code: string): string {
  return `(CASE ${code} ${SOURCE_NAMES.map((name, index) => `WHEN ${index} THEN ${sqlString(name)}`).join(' ')} END)`;
}

/** SQL: the source code of a source name column (NULL for a name no source has). */
export function sourceCodeSql(name: string): string {
  return `(CASE ${name} ${SOURCE_NAMES.map((source, index) => `WHEN ${sqlString(source)} THEN ${index}`).join(' ')} END)`;
}

/** One column of the records table: the type it holds, in the order records link their identifiers. */
export interface LayoutSlot {
  type: string;
}

/**
 * The records table's identifier columns, shared by every source: for each type, as many columns
 * as the source with most slots of it needs, strongest type first (ties in source order, e.g. an
 * alias's previous id after the anonymous id). Column k of every row holds v{k}.
 */
export function slotLayout(sources: readonly RecordSource[], rules: CompiledRules): LayoutSlot[] {
  const perType = new Map<string, number>();
  for (const source of sources) {
    const counts = new Map<string, number>();
    for (const slot of source.slots) counts.set(slot.type, (counts.get(slot.type) ?? 0) + 1);
    for (const [type, count] of counts) perType.set(type, Math.max(perType.get(type) ?? 0, count));
  }
  return [...perType.keys()]
    .sort((a, b) => rules.compare({ type: a, value: '' }, { type: b, value: '' }))
    .flatMap((type) => Array.from({ length: perType.get(type) ?? 0 }, () => ({ type })));
}

/**
 * One row per record: its source (code, see SOURCE_NAMES), id and time (epoch ms), per layout column k the normalized
 * identifier v{k} (NULL when absent, junk or malformed), and `rejected`: for a record with a value
 * that normalized to nothing, the list by layout column of such values' trimmed lower-cased text
 * (for the audit of blocked values), NULL for the rest. One list column, NULL on almost every
 * record, holds what a text column per layout column did in 0.27 GiB less of the table's 1.8 GiB
 * at ten million records. Normalization is staged, each intermediate (trim, lower case, a
 * phone's digits) computed once per value: the inlined form repeats them, which for phones costs
 * four times as much.
 */
export function recordsSelectSql(source: RecordSource, relation: string, columns: ReadonlySet<string>, rules: CompiledRules, layout: readonly LayoutSlot[]): string {
  const column = new Map<number, string>();
  const used = new Set<number>();
  for (const slot of source.slots) {
    const k = layout.findIndex((candidate, index) => candidate.type === slot.type && !used.has(index));
    used.add(k);
    column.set(k, slot.raw);
  }
  const ks = layout.map((_, k) => k + 1);
  const has = (k: number) => column.has(k - 1);
  const raw = ks.map((k) => `${has(k) ? duckDbTrimmedIdentifierSql(`CAST(${column.get(k - 1) ?? 'NULL'} AS VARCHAR)`) : 'NULL::VARCHAR'} AS tr${k}`);
  const parts = ks.flatMap((k) => (has(k) ? [`lower(tr${k}) AS lc${k}`, ...(layout[k - 1].type === 'phone' ? [`${phoneDigitsSql(`tr${k}`)} AS dg${k}`] : [])] : []));
  const values = ks.map((k) =>
    has(k) ? `${normalizedFromPartsSql(layout[k - 1].type, { trimmed: `tr${k}`, cleaned: `lc${k}`, digits: `dg${k}` }, rules.rules.blocklist)} AS v${k}` : `NULL::VARCHAR AS v${k}`,
  );
  const anyRejected = ks.filter(has).map((k) => `(v${k} IS NULL AND lc${k} IS NOT NULL)`);
  const rejectedList = `[${ks.map((k) => (has(k) ? `CASE WHEN v${k} IS NULL THEN lc${k} END` : 'NULL::VARCHAR')).join(', ')}]`;
  const rejected = anyRejected.length > 0 ? `CASE WHEN ${anyRejected.join(' OR ')} THEN ${rejectedList} END` : 'NULL::VARCHAR[]';
  return `SELECT source, record_id, t, ${ks.map((k) => `v${k}`).join(', ')}, ${rejected} AS rejected
    FROM (
      SELECT source, record_id, t, ${values.join(',\n        ')}${[...column.keys()].map((k) => `, lc${k + 1}`).join('')}
      FROM (
        SELECT *${parts.length > 0 ? `, ${parts.join(', ')}` : ''}
        FROM (
          SELECT ${SOURCE_NAMES.indexOf(source.table)}::TINYINT AS source, CAST(${recordIdSql(source, columns)} AS VARCHAR) AS record_id,
            coalesce(epoch_ms(${source.time}), ${NO_TIME_MS}) AS t, ${raw.join(', ')}
          FROM ${relation}
        )
      )
    )`;
}

/** A records table with no rows, in the layout's columns (a lake without processed tables). */
export function emptyRecordsSql(layout: readonly LayoutSlot[]): string {
  const values = layout.map((_, index) => `, NULL::VARCHAR AS v${index + 1}`);
  return `SELECT NULL::TINYINT AS source, NULL::VARCHAR AS record_id, NULL::BIGINT AS t${values.join('')}, NULL::VARCHAR[] AS rejected WHERE false`;
}

/** SQL: the run's records table (schema.records), the union of one select per source (recordsSelectSql). */
export function recordsTableSql(schema: string, selects: readonly string[]): string {
  return withoutInsertionOrder(`CREATE OR REPLACE TABLE ${schema}.records AS ${selects.join('\nUNION ALL\n')}`);
}

/** SQL: the run's blocked table, values that normalized to nothing, for the audit: blocked placeholders and malformed values. */
export function blockedTableSql(schema: string, layout: readonly LayoutSlot[], rules: CompiledRules): string {
  // Two lists unnested in one select are zipped: each rejected value beside its column's type.
  const types = `[${layout.map((slot) => sqlString(slot.type)).join(', ')}]`;
  const blocklist = rules.rules.blocklist;
  // A phone is blocked by its number (all zeros, one listed), however it was written: +91 00000 00000 too.
  const blocked = `${blockedSql('raw_value', blocklist)} OR (id_type = 'phone' AND ${phoneBlockedSql(phoneDigitsSql('raw_value'), blocklist)})`;
  return `CREATE OR REPLACE TABLE ${schema}.blocked AS
    SELECT id_type, raw_value, CASE WHEN ${blocked} THEN 'blocklist' ELSE 'malformed' END AS reason, occurrences
    FROM (
      SELECT id_type, raw_value, count(*) AS occurrences
      FROM (SELECT unnest(${types}) AS id_type, unnest(rejected) AS raw_value FROM ${schema}.records WHERE rejected IS NOT NULL)
      WHERE raw_value IS NOT NULL
      GROUP BY ALL
    )`;
}
