import { sqlString } from '../../lake/lake-relation';
import { customerIdSql } from '../customer-id';
import { duckDbTrimmedIdentifierSql, normalizedFromPartsSql, phoneDigitsSql } from '../identifier-normalization';
import type { CompiledRules } from '../rules/identity-rules';
import { withoutInsertionOrder } from './insertion-order.sql';
import type { LinkKeys } from './link-keys';
import { NO_TIME_MS, sourceCodeSql, type LayoutSlot } from './record-identifiers.sql';

/** Loads the identity store's state (see previous-state.ts) into the run's schema: previous, previous_customers, separation_sides, stream_links. */
export function loadPreviousSql(schema: string, files: { assignments: string; customers: string; separations: string; streamLinks: string; mergeAnchors: string }): string[] {
  const json = (file: string, columns: string) => `read_json(${sqlString(file)}, format = 'newline_delimited', columns = {${columns}})`;
  return [
    `CREATE OR REPLACE TABLE ${schema}.previous AS SELECT * FROM ${json(files.assignments, `id_type: 'VARCHAR', id_value: 'VARCHAR', customer_id: 'VARCHAR'`)}`,
    // Customers come in the store's record shape (see exportCustomers): only these fields are read.
    `CREATE OR REPLACE TABLE ${schema}.previous_customers AS
      SELECT customerId AS customer_id, seed.type AS seed_type, seed.value AS seed_value, firstSeen AS first_seen, mergedInto AS merged_into,
        updatedAt AS updated_at
      FROM ${json(files.customers, `customerId: 'VARCHAR', seed: 'STRUCT(type VARCHAR, value VARCHAR)', firstSeen: 'BIGINT', mergedInto: 'VARCHAR', updatedAt: 'BIGINT'`)}`,
    `CREATE OR REPLACE TABLE ${schema}.separation_sides AS SELECT * FROM ${json(files.separations, `id_type: 'VARCHAR', id_value: 'VARCHAR', token: 'INTEGER'`)}`,
    `CREATE OR REPLACE TABLE ${schema}.stream_links AS SELECT * FROM ${json(
      files.streamLinks,
      `source: 'VARCHAR', record_id: 'VARCHAR', merged_at: 'BIGINT', a_type: 'VARCHAR', a_value: 'VARCHAR', b_type: 'VARCHAR', b_value: 'VARCHAR'`,
    )}`,
    // Of each merged customer, what its latest merge that brought anything brought of its own: not
    // what merges into it had brought it (a survivor's merge carries along what it absorbed); when
    // that was only what it had absorbed, what of that merges no person un-merged had brought it
    // (anchorOf, merge-anchor.ts).
    `CREATE OR REPLACE TABLE ${schema}.merge_anchors AS
      WITH brought AS (
        SELECT * FROM ${json(files.mergeAnchors, `customer_id: 'VARCHAR', into_id: 'VARCHAR', merge_id: 'VARCHAR', merged_at: 'BIGINT', unmerged: 'BOOLEAN', id_type: 'VARCHAR', id_value: 'VARCHAR'`)}
      ), latest AS (
        SELECT customer_id, id_type, id_value FROM brought
        QUALIFY dense_rank() OVER (PARTITION BY customer_id ORDER BY merged_at DESC, merge_id DESC) = 1
      ), own AS (
        SELECT l.customer_id, l.id_type, l.id_value FROM latest AS l
        ANTI JOIN brought AS b ON b.into_id = l.customer_id AND b.id_type = l.id_type AND b.id_value = l.id_value
      )
      SELECT customer_id, id_type, id_value FROM own
      UNION ALL
      SELECT l.customer_id, l.id_type, l.id_value FROM latest AS l
      WHERE l.customer_id NOT IN (SELECT customer_id FROM own)
        AND EXISTS (SELECT 1 FROM brought AS b WHERE b.into_id = l.customer_id AND b.id_type = l.id_type AND b.id_value = l.id_value AND NOT b.unmerged)`,
  ];
}

/** The identifier types the store holds, which the lake's layout may lack. */
export function previousTypesSql(schema: string): string {
  return `SELECT DISTINCT id_type FROM ${schema}.previous ORDER BY 1`;
}

/** SQL: the 64-bit hash key of an identifier (type code, value) under `seed`, as UBIGINT. */
export type IdentifierHashSql = (typeCode: string, value: string, seed: number) => string;

/** DuckDB's own hash, salted by the seed from the second attempt on. */
export const duckDbIdentifierHashSql: IdentifierHashSql = (typeCode, value, seed) => (seed === 0 ? `hash(${typeCode}, ${value})` : `hash(${typeCode}, ${value}, ${seed})`);

/**
 * The SQL of one batch stitch, over tables in the run's schema of the lake engine:
 *
 *   records (one row per record, identifiers in layout columns v1..vK: recordsTableSql)
 *     ├► nodes (one per identifier, in seed order: first seen, type priority, value; node = rowid)
 *     └► link_records (record keys, identifier hashes) ─► sightings (one per linked pair, keyed by hashes)
 *          ─► edges (node numbers, first sighting key, provenance; edge = rowid, in no order)
 *          ─► edge_rows (the edges with their first record's id, from record_ids: see edgeRowsSql)
 *
 * then, after the stitcher assigned every node a customer, the new customers and the final map.
 * Identifiers are joined by a 64-bit hash of (type code, value) where that saves comparing strings:
 * hashes are checked to be distinct over all nodes first, and a collision changes the hash's seed.
 */
export class GraphTables {
  /** Type names by code; codes follow type priority, so ordering by code orders by priority. */
  readonly typeNames: readonly string[];
  private readonly codes: ReadonlyMap<string, number>;

  constructor(
    readonly schema: string,
    private readonly rules: CompiledRules,
    private readonly layout: readonly LayoutSlot[],
    typeNames: readonly string[],
    private readonly hashSql: IdentifierHashSql = duckDbIdentifierHashSql,
  ) {
    this.typeNames = typeNames;
    this.codes = new Map(typeNames.map((type, code) => [type, code]));
  }

  table(name: string): string {
    return `${this.schema}.${name}`;
  }

  code(type: string): number {
    const code = this.codes.get(type);
    if (code === undefined) throw new Error(`identity stitch: no code for type ${type}`);
    return code;
  }

  /** SQL: the type name of a code column. */
  typeNameSql(code: string): string {
    return `(CASE ${code} ${this.typeNames.map((type, index) => `WHEN ${index} THEN ${sqlString(type)}`).join(' ')} END)`;
  }

  /** SQL: the code of a type-name column (NULL for a type this run does not know). */
  typeCodeSql(type: string): string {
    return `(CASE ${type} ${this.typeNames.map((name, index) => `WHEN ${sqlString(name)} THEN ${index}`).join(' ')} END)`;
  }

  private columns(): number[] {
    return this.layout.map((_, index) => index + 1);
  }

  private slotCode(k: number): number {
    return this.code(this.layout[k - 1].type);
  }

  /** Each stored assignment, and whether its value is still valid under today's rules (a newly blocked value drops out of the graph and the store). */
  private previousCheckedSql(): string {
    const parts = { trimmed: 'tr', cleaned: 'lc', digits: 'dg' };
    const cases = this.typeNames.map((type) => `WHEN ${sqlString(type)} THEN ${normalizedFromPartsSql(type, parts, this.rules.rules.blocklist)}`);
    // Staged as in records: each intermediate once per stored value (ten million of them after a first stitch).
    return `SELECT id_type, id_value, customer_id, (CASE id_type ${cases.join(' ')} END) IS NOT DISTINCT FROM id_value AS valid
      FROM (SELECT *, lower(tr) AS lc, CASE WHEN id_type = 'phone' THEN ${phoneDigitsSql('tr')} END AS dg
            FROM (SELECT *, ${duckDbTrimmedIdentifierSql('id_value')} AS tr FROM ${this.table('previous')}))`;
  }

  /**
   * Every identifier the lake or the store knows, in seed order (node = rowid), with its previous
   * customer numbered oldest first (-1 if new). Seed order is first seen, then type priority, then
   * value: type codes follow priority, so (first_seen, type_code, id_value).
   *
   * A daily run's store holds as many assignments as the lake has identifiers (ten million), so the
   * stored state is brought down to integers before it meets the lake's identifiers: each stored
   * identifier carries its customer's number, not its id, and the checked rows are dropped once the
   * few invalid ones are set aside (previous_dropped). Grouping the lake's identifiers, joining the
   * two and sorting are separate statements, each under the memory limit on its own: as one
   * statement they held the grouping, the join with customer id strings and the sort at once, and
   * ran out of memory under a 2.5 GB limit.
   */
  nodesSql(): string[] {
    const occurrences = this.columns().map((k) => `SELECT ${this.slotCode(k)} AS type_code, v${k} AS id_value, t FROM ${this.table('records')} WHERE v${k} IS NOT NULL`);
    return [
      // Checked once: the valid ones continue, the others are dropped from the store (see OutputTables).
      `CREATE OR REPLACE TABLE ${this.table('previous_checked')} AS ${this.previousCheckedSql()}`,
      `DROP TABLE ${this.table('previous')}`,
      `CREATE OR REPLACE TABLE ${this.table('previous_dropped')} AS SELECT id_type, id_value, customer_id FROM ${this.table('previous_checked')} WHERE NOT valid`,
      `CREATE OR REPLACE TABLE ${this.table('previous_numbered')} AS
        SELECT customer_id, row_number() OVER (ORDER BY coalesce(c.first_seen, ${NO_TIME_MS}), ${this.typeCodeSql('c.seed_type')}, c.seed_type, c.seed_value, customer_id) - 1 AS previous_index
        FROM (SELECT DISTINCT customer_id FROM ${this.table('previous_checked')} WHERE valid) AS p
        LEFT JOIN ${this.table('previous_customers')} AS c USING (customer_id)`,
      `CREATE OR REPLACE TABLE ${this.table('previous_nodes')} AS
        SELECT ${this.typeCodeSql('p.id_type')} AS type_code, p.id_value, n.previous_index
        FROM ${this.table('previous_checked')} AS p JOIN ${this.table('previous_numbered')} AS n USING (customer_id)
        WHERE p.valid`,
      `DROP TABLE ${this.table('previous_checked')}`,
      `CREATE OR REPLACE TABLE ${this.table('lake_nodes')} AS
        SELECT type_code, id_value, min(t) AS first_seen
        FROM (${occurrences.join(' UNION ALL ')})
        GROUP BY ALL`,
      `CREATE OR REPLACE TABLE ${this.table('nodes')} AS
        SELECT coalesce(l.type_code, p.type_code) AS type_code, coalesce(l.id_value, p.id_value) AS id_value,
          l.type_code IS NOT NULL AS in_lake, coalesce(l.first_seen, ${NO_TIME_MS}) AS first_seen, coalesce(p.previous_index, -1) AS previous_index
        FROM ${this.table('lake_nodes')} AS l
        FULL OUTER JOIN ${this.table('previous_nodes')} AS p ON p.type_code = l.type_code AND p.id_value = l.id_value
        ORDER BY first_seen, type_code, id_value`,
      `DROP TABLE ${this.table('lake_nodes')}`,
      `DROP TABLE ${this.table('previous_nodes')}`,
    ];
  }

  /**
   * The stream's merges whose record the lake does not have yet, as links between nodes, in the
   * order the stream made them: the stitcher applies them after the lake's links (see
   * StitchGraph.pendingLinks), so a batch keeps what the stream merged rather than splitting it until
   * the lake catches up. Once the lake has the record, its own link takes over, at its own time.
   * Only links whose ends the store still gives one customer: an un-merge since, or a move by a later
   * batch, has undone what the link did. Needs the records table (linkRecordsSql drops it); with no
   * stream links, reads nothing.
   */
  pendingLinksSql(withStreamLinks: boolean): string {
    const pending = this.table('pending_links');
    if (!withStreamLinks) return `CREATE OR REPLACE TABLE ${pending} (a BIGINT, b BIGINT, merged_at BIGINT)`;
    const nodes = this.table('nodes');
    return `CREATE OR REPLACE TABLE ${pending} AS
      SELECT na.rowid AS a, nb.rowid AS b, l.merged_at
      FROM ${this.table('stream_links')} AS l
      JOIN ${nodes} AS na ON na.type_code = ${this.typeCodeSql('l.a_type')} AND na.id_value = l.a_value
      JOIN ${nodes} AS nb ON nb.type_code = ${this.typeCodeSql('l.b_type')} AND nb.id_value = l.b_value
      WHERE na.previous_index >= 0 AND na.previous_index = nb.previous_index
        AND NOT EXISTS (SELECT 1 FROM ${this.table('records')} AS r WHERE r.source = ${sourceCodeSql('l.source')} AND r.record_id = l.record_id)`;
  }

  /** The pending stream links as the stitcher reads them (INTEGER), oldest first. */
  pendingLinkColumnsSql(): string {
    return `SELECT a::INTEGER, b::INTEGER FROM ${this.table('pending_links')} ORDER BY merged_at, a, b`;
  }

  /**
   * Each node's hash key (then hashCollisionsSql says whether `seed` keeps them distinct), with its
   * type code, which the edges carry to identity_edges. Not its value: identity_edges names its
   * ends by node number (id_key in identity_map), since carrying two identifier strings into ten
   * million edge rows cost more than every other part of building the edges.
   */
  nodeKeysSql(seed: number): string {
    return withoutInsertionOrder(
      `CREATE OR REPLACE TABLE ${this.table('node_keys')} AS SELECT rowid AS node, ${this.hashSql('type_code', 'id_value', seed)} AS h, type_code FROM ${this.table('nodes')}`,
    );
  }

  hashCollisionsSql(): string {
    return `SELECT count(*) - count(DISTINCT h) AS collisions FROM ${this.table('node_keys')}`;
  }

  /** The nodes as the stitcher reads them (all INTEGER): type code, whether the lake has it, previous customer number; in node (rowid) order. */
  nodeColumnsSql(): string {
    return `SELECT type_code::INTEGER, in_lake::INTEGER, previous_index::INTEGER FROM ${this.table('nodes')}`;
  }

  /** The nodes on a side of a separation, with the side's token (INTEGER), by node. */
  separationColumnsSql(): string {
    return `SELECT n.rowid::INTEGER AS node, s.token::INTEGER FROM ${this.table('separation_sides')} AS s
        JOIN ${this.table('nodes')} AS n ON n.type_code = ${this.typeCodeSql('s.id_type')} AND n.id_value = s.id_value
        ORDER BY 1, 2`;
  }

  /**
   * Records sharing a time and source with another, each distinct record id ranked among them
   * (record ids sort as text; NULL last, as ORDER BY puts them): the rank LinkKeys packs into a
   * record's key. Few records share both, so this is one grouping and a small window.
   */
  recordTiesSql(): string {
    const records = this.table('records');
    return withoutInsertionOrder(`CREATE OR REPLACE TABLE ${this.table('record_ties')} AS
      SELECT t, source, record_id, dense_rank() OVER (PARTITION BY t, source ORDER BY record_id) - 1 AS rank
      FROM (SELECT DISTINCT t, source, record_id FROM ${records} SEMI JOIN (SELECT t, source FROM ${records} GROUP BY ALL HAVING count(*) > 1) AS tied USING (t, source))`);
  }

  /** The bounds LinkKeys are sized by (see RecordBounds). */
  recordBoundsSql(): string {
    return `SELECT min(t) FILTER (WHERE t <> ${NO_TIME_MS}) AS min_time, max(t) FILTER (WHERE t <> ${NO_TIME_MS}) AS max_time,
        coalesce(bool_or(t = ${NO_TIME_MS}), false) AS untimed, (SELECT coalesce(max(rank), 0) FROM ${this.table('record_ties')}) AS max_rank
      FROM ${this.table('records')}`;
  }

  /** The most identifiers a record links after its anchor: sighting positions run from 1 to this. */
  maxPosition(): number {
    return Math.max(0, this.layout.length - 1);
  }

  /**
   * What linking needs of each record: its key (see LinkKeys), time and record id, and the hash
   * key of each identifier (h{k}, NULL where v{k} is). Replaces the records, whose other columns
   * linking does not need.
   */
  linkRecordsSql(keys: LinkKeys, seed: number): string[] {
    const hashes = this.columns().map((k) => `CASE WHEN r.v${k} IS NOT NULL THEN ${this.hashSql(String(this.slotCode(k)), `r.v${k}`, seed)} END AS h${k}`);
    return [
      withoutInsertionOrder(`CREATE OR REPLACE TABLE ${this.table('link_records')} AS
        SELECT ${keys.recordKeySql('r.t', 'r.source', 'coalesce(x.rank, 0)')} AS rk, r.t, r.record_id, ${hashes.join(', ')}
        FROM ${this.table('records')} AS r
        LEFT JOIN ${this.table('record_ties')} AS x ON x.t = r.t AND x.source = r.source AND x.record_id IS NOT DISTINCT FROM r.record_id`),
      `DROP TABLE ${this.table('records')}`,
      `DROP TABLE ${this.table('record_ties')}`,
    ];
  }

  /**
   * Links: each record links its strongest identifier (the anchor: its first layout column holding
   * one) with each of the others, in layout order — linking them in that order is what lets a limit
   * drop the weakest. `pos` is the other's place among the record's identifiers after the anchor. A
   * pair seen in many records is one edge, applied at its first sighting (time, then source and
   * record, then position in the record: the least sighting key), with its provenance and counts;
   * edge = rowid. Edges come in no order: the stitcher sorts them into link order by their keys
   * (linkOrder), which costs a fraction of sorting them here with their identifiers.
   */
  edgesSql(keys: LinkKeys): string[] {
    const ks = this.columns();
    const pairs = ks.slice(1).map((j) => {
      const before = ks.slice(0, j - 1);
      const anchor = before.length === 1 ? `h${before[0]}` : `coalesce(${before.map((i) => `h${i}`).join(', ')})`;
      const pos = before.map((i) => `(h${i} IS NOT NULL)::INTEGER`).join(' + ');
      return `SELECT ${anchor} AS ha, h${j} AS hb, ${keys.sightingKeySql('rk', pos)} AS k, t, rowid AS ri FROM ${this.table('link_records')} WHERE h${j} IS NOT NULL AND ${anchor} IS NOT NULL`;
    });
    const sightings =
      pairs.length === 0
        ? `SELECT NULL::UBIGINT AS ha, NULL::UBIGINT AS hb, NULL::${keys.sqlType} AS k, NULL::BIGINT AS t, NULL::BIGINT AS ri WHERE false`
        : pairs.join('\nUNION ALL\n');
    return [
      // The first sighting's record rides along as its row in link_records (ri), an integer: its id,
      // a string, would double the cost of the grouping. Sightings tied on the least key are one
      // record's, or copies of it with the same id. edgeRowsSql looks the ids up in record_ids.
      withoutInsertionOrder(`CREATE OR REPLACE TABLE ${this.table('sightings')} AS
        SELECT least(ha, hb) AS h1, greatest(ha, hb) AS h2, min(k) AS k, arg_min(ri, k) AS ri, max(t) AS last_seen, count(*) AS occurrences
        FROM (${sightings})
        WHERE ha <> hb
        GROUP BY 1, 2`),
      withoutInsertionOrder(`CREATE OR REPLACE TABLE ${this.table('record_ids')} AS SELECT rowid AS ri, record_id FROM ${this.table('link_records')}`),
      `DROP TABLE ${this.table('link_records')}`,
      // Edges are numbered (rowid) once stored, in whatever order the join's threads deliver them.
      withoutInsertionOrder(`CREATE OR REPLACE TABLE ${this.table('edges')} AS
        SELECT least(a.node, b.node) AS lo, greatest(a.node, b.node) AS hi, s.k,
          ${keys.recordTimeSql('s.k')} AS first_seen, ${keys.recordSourceSql('s.k')} AS source, s.ri, s.last_seen, s.occurrences,
          CASE WHEN a.node < b.node THEN a.type_code ELSE b.type_code END AS lo_type, CASE WHEN a.node < b.node THEN b.type_code ELSE a.type_code END AS hi_type
        FROM ${this.table('sightings')} AS s
        JOIN ${this.table('node_keys')} AS a ON a.h = s.h1
        JOIN ${this.table('node_keys')} AS b ON b.h = s.h2`),
      // What follows needs neither the sightings nor the hashes: give their memory back.
      `DROP TABLE ${this.table('sightings')}`,
      `DROP TABLE ${this.table('node_keys')}`,
    ];
  }

  /**
   * The edges as identity_edges writes them (edge_rows): each with its edge number (the stitcher's,
   * see refused and merges) and its first record's id. The stitch runs this while the stitcher links
   * in process, on a core the stitcher leaves idle: the lookup of ten million record ids is most of
   * what remains of building the edges.
   */
  edgeRowsSql(): string[] {
    return [
      withoutInsertionOrder(`CREATE OR REPLACE TABLE ${this.table('edge_rows')} AS
        SELECT e.rowid AS edge, e.lo, e.hi, e.lo_type, e.hi_type, e.first_seen, e.source, x.record_id, e.last_seen, e.occurrences
        FROM ${this.table('edges')} AS e JOIN ${this.table('record_ids')} AS x ON x.ri = e.ri`),
      `DROP TABLE ${this.table('record_ids')}`,
      `DROP TABLE ${this.table('edges')}`,
    ];
  }

  /**
   * The edges as the stitcher reads them, in edge (rowid) order: lo and hi (INTEGER) and the two
   * halves of the first sighting's key as DOUBLE, exact below 2^53 (see LinkKeys.timeSql).
   */
  edgeColumnsSql(keys: LinkKeys): string {
    return `SELECT lo::INTEGER, hi::INTEGER, CAST(${keys.timeSql('k')} AS DOUBLE), CAST(${keys.placeSql('k')} AS DOUBLE) FROM ${this.table('edges')}`;
  }

  /** Every id a customer of the store has or had (merged-away ones too): none a new customer may take. */
  private takenIdsSql(): string {
    return `(SELECT customer_id FROM ${this.table('previous_customers')} UNION SELECT customer_id FROM ${this.table('previous_numbered')} UNION SELECT customer_id FROM ${this.table('previous_dropped')})`;
  }

  /**
   * Names the new customers of the stitcher's answer (the tables assigned, refused and merges, see
   * StitcherAnswer) by their seed (customerIdFor), first attempt; where that is an existing
   * customer's id, nextAttemptSql draws the next. The id salt is bound (`?`), never spliced into the
   * SQL.
   */
  newCustomersSql(): Array<{ sql: string; salts: number }> {
    const nodes = this.table('nodes');
    return [
      {
        salts: 0,
        // A new customer's seed is its own seed (assignCustomers), so the seeds are found beside
        // their answer row, in one scan, instead of joining ten million nodes by number. Stored
        // apart: a positional scan runs on one thread, the hashing below on all.
        sql: `CREATE OR REPLACE TABLE ${this.table('seeds')} AS
          SELECT a.final_seed AS seed, ${this.typeNameSql('n.type_code')} AS seed_type, n.id_value AS seed_value, n.first_seen
          FROM ${nodes} AS n POSITIONAL JOIN ${this.table('assigned')} AS a
          WHERE a.final_previous < 0 AND a.final_seed = n.rowid`,
      },
      {
        salts: 1,
        sql: `CREATE OR REPLACE TABLE ${this.table('new_customers')} AS
          SELECT seed, seed_type, seed_value, first_seen, ${customerIdSql('seed_type', 'seed_value', '0')} AS customer_id, false AS revived FROM ${this.table('seeds')}`,
      },
      {
        salts: 0,
        // Where each merged customer's anchor is (see OutputTables.touchedSql): the nodes of the
        // strongest type its latest merge brought that the graph still has, with their answer. The
        // few anchor nodes find their answer row by number: pairing all ten million nodes with
        // theirs first (POSITIONAL JOIN) is a scan on one thread, 1.4 s with no merges at all.
        sql: `CREATE OR REPLACE TABLE ${this.table('anchor_nodes')} AS
          SELECT customer_id, final_previous, final_seed FROM (
            SELECT m.customer_id, m.type_code, s.final_previous, s.final_seed, min(m.type_code) OVER (PARTITION BY m.customer_id) AS strongest
            FROM (SELECT a.customer_id, n.type_code, n.rowid AS node FROM ${this.table('merge_anchors')} AS a
                  JOIN ${nodes} AS n ON n.type_code = ${this.typeCodeSql('a.id_type')} AND n.id_value = a.id_value) AS m
            JOIN ${this.table('assigned')} AS s ON s.rowid = m.node
          )
          WHERE type_code = strongest`,
      },
      {
        salts: 0,
        // A customer merged away whose seed starts a customer of its own again (the lake split what
        // the merge joined) comes back under its id, as a customer keeps its id: its lookups stop
        // leading to the survivor, which no longer holds what it was. What it had absorbed follows
        // it only where it holds their seeds: the others are re-pointed (OutputTables.touchedSql).
        // Of two such customers of one seed, the one with the seed's first id.
        sql: `UPDATE ${this.table('new_customers')} AS n SET customer_id = r.customer_id, revived = true
          FROM (
            SELECT n.seed, min_by(c.customer_id, (CASE WHEN c.customer_id = n.customer_id THEN '0' ELSE '1' END) || c.customer_id) AS customer_id
            FROM ${this.table('new_customers')} AS n JOIN ${this.table('previous_customers')} AS c ON c.seed_type = n.seed_type AND c.seed_value = n.seed_value
            WHERE c.merged_into IS NOT NULL
              -- Not one the store still gives identifiers (the customers were read before an un-merge, the assignments after): it is kept.
              AND c.customer_id NOT IN (SELECT customer_id FROM ${this.table('previous_numbered')})
              -- One whose merges brought something comes back only where all of its anchor is (anchor_nodes): one whose id
              -- had followed its account away from its seed leads to its account.
              AND (NOT EXISTS (SELECT 1 FROM ${this.table('merge_anchors')} AS a WHERE a.customer_id = c.customer_id)
                OR (EXISTS (SELECT 1 FROM ${this.table('anchor_nodes')} AS h WHERE h.customer_id = c.customer_id)
                  AND NOT EXISTS (SELECT 1 FROM ${this.table('anchor_nodes')} AS h WHERE h.customer_id = c.customer_id AND (h.final_previous >= 0 OR h.final_seed <> n.seed))))
            GROUP BY n.seed
          ) AS r
          WHERE n.seed = r.seed`,
      },
    ];
  }

  /** New customers whose id is taken still (their attempts so far all were): see nextAttemptSql. */
  takenNewIdsSql(): string {
    return `SELECT count(*) FROM ${this.table('new_customers')} WHERE NOT revived AND customer_id IN ${this.takenIdsSql()}`;
  }

  /**
   * Gives the new customers whose id is taken their attempt `attempt`, as the stream tries one attempt
   * after another until an id is free (every earlier attempt of theirs was taken). One salt.
   */
  nextAttemptSql(attempt: number): { sql: string; salts: number } {
    return {
      salts: 1,
      sql: `UPDATE ${this.table('new_customers')} SET customer_id = ${customerIdSql('seed_type', 'seed_value', String(attempt))} WHERE NOT revived AND customer_id IN ${this.takenIdsSql()}`,
    };
  }

  /**
   * Every node with its customer: `final` is a table when the store's changes read it again, else a
   * view the identity map is written from in one pass.
   */
  finalSql(materialized: boolean): Array<{ sql: string; salts: number }> {
    const nodes = this.table('nodes');
    return [
      {
        salts: 0,
        // A kept node's final_seed is -1, so only new customers' nodes find a row of new_customers.
        sql: `CREATE OR REPLACE ${materialized ? 'TABLE' : 'VIEW'} ${this.table('final')} AS
          SELECT x.node, x.type_code, x.id_value, x.in_lake, x.first_seen, x.previous_index, x.final_previous, x.final_seed,
            coalesce(p.customer_id, c.customer_id) AS customer_id
          FROM (SELECT n.rowid AS node, n.type_code, n.id_value, n.in_lake, n.first_seen, n.previous_index, a.final_previous, a.final_seed
                FROM ${nodes} AS n POSITIONAL JOIN ${this.table('assigned')} AS a) AS x
          LEFT JOIN ${this.table('previous_numbered')} AS p ON p.previous_index = x.final_previous
          LEFT JOIN ${this.table('new_customers')} AS c ON c.seed = x.final_seed`,
      },
    ];
  }

  /** Customer ids given to two different customers (a hash collision, or a second attempt taken too): must be none. */
  duplicateIdsSql(): string {
    const kept = `SELECT p.customer_id FROM ${this.table('previous_numbered')} AS p SEMI JOIN (SELECT DISTINCT final_previous FROM ${this.table('assigned')}) AS a ON a.final_previous = p.previous_index`;
    return `SELECT count(*) AS duplicates FROM (
        SELECT customer_id FROM (SELECT customer_id FROM ${this.table('new_customers')} UNION ALL ${kept}) GROUP BY 1 HAVING count(*) > 1
      )`;
  }

  statusSql(outcome: string, typeCode: string): string {
    return `CASE ${outcome} WHEN 2 THEN 'capped:' || ${this.typeNameSql(typeCode)} WHEN 3 THEN 'separated' WHEN 4 THEN 'indirect' ELSE 'linked' END`;
  }
}
