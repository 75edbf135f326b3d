import { sqlString } from '../../lake/lake-relation';
import { customerIdSql } from '../customer-id';
import { blockedSql, normalizedIdentifierSql } from '../identifier-normalization';
import { compareText, type CompiledRules } from '../rules/identity-rules';
import { NO_TIME_MS } from './record-identifiers.sql';

/**
 * The SQL of one batch stitch, over tables in the run's schema of the lake engine:
 *
 *   records ─► nodes (one per identifier, numbered in seed order, with its previous customer)
 *           └► edges (one per linked pair, numbered in the order links are applied)
 *
 * then, after the stitcher assigned every node a customer, the final map and what changed.
 */
export class GraphTables {
  constructor(
    readonly schema: string,
    private readonly rules: CompiledRules,
  ) {}

  table(name: string): string {
    return `${this.schema}.${name}`;
  }

  /** SQL rank of a type column: 0 strongest, as CompiledRules.rank. */
  rankSql(type: string, knownTypes: readonly string[]): string {
    const cases = [...knownTypes]
      .sort((a, b) => this.rules.rank(a) - this.rules.rank(b) || compareText(a, b))
      .map((name) => `WHEN ${sqlString(name)} THEN ${this.rules.rank(name)}`);
    return cases.length === 0 ? '0' : `(CASE ${type} ${cases.join(' ')} ELSE ${this.rules.rank('')} END)`;
  }

  /** The seed order: first seen, then type rank, then type and value. */
  private seedOrder(knownTypes: readonly string[]): string {
    return `first_seen, ${this.rankSql('id_type', knownTypes)}, id_type, id_value`;
  }

  loadPreviousSql(files: { assignments: string; customers: string; separations: string }): string[] {
    const json = (file: string, columns: string) => `read_json(${sqlString(file)}, format = 'newline_delimited', columns = {${columns}})`;
    return [
      `CREATE OR REPLACE TABLE ${this.table('previous')} AS SELECT * FROM ${json(files.assignments, `id_type: 'VARCHAR', id_value: 'VARCHAR', customer_id: 'VARCHAR'`)}`,
      `CREATE OR REPLACE TABLE ${this.table('previous_customers')} AS SELECT * FROM ${json(
        files.customers,
        `customer_id: 'VARCHAR', seed_type: 'VARCHAR', seed_value: 'VARCHAR', first_seen: 'BIGINT', merged_into: 'VARCHAR', merged_from: 'VARCHAR'`,
      )}`,
      `CREATE OR REPLACE TABLE ${this.table('separation_sides')} AS SELECT * FROM ${json(files.separations, `id_type: 'VARCHAR', id_value: 'VARCHAR', token: 'INTEGER'`)}`,
    ];
  }

  recordsSql(selects: readonly string[]): string {
    return `CREATE OR REPLACE TABLE ${this.table('records')} AS ${selects.join('\nUNION ALL\n')}`;
  }

  /** Values that normalized to nothing, for the audit: blocked placeholders and malformed values. */
  blockedSql(): string {
    const cleaned = `lower(trim(x.raw))`;
    return `CREATE OR REPLACE TABLE ${this.table('blocked')} AS
      SELECT x.type AS id_type, ${cleaned} AS raw_value,
        CASE WHEN ${blockedSql(cleaned, this.rules.rules.blocklist)} THEN 'blocklist' ELSE 'malformed' END AS reason,
        count(*) AS occurrences
      FROM (SELECT unnest(ids) AS x FROM ${this.table('records')})
      WHERE x.value IS NULL
      GROUP BY ALL`;
  }

  knownTypesSql(): string {
    return `SELECT DISTINCT id_type FROM (
        SELECT x.type AS id_type FROM (SELECT unnest(ids) AS x FROM ${this.table('records')}) WHERE x.value IS NOT NULL
        UNION SELECT id_type FROM ${this.table('previous')}
      ) ORDER BY 1`;
  }

  /** A value still valid under today's rules (a newly blocked value drops out of the graph and the store). */
  private stillValid(knownTypes: readonly string[]): string {
    const cases = knownTypes.map((type) => `WHEN ${sqlString(type)} THEN ${normalizedIdentifierSql(type, 'id_value', this.rules.rules.blocklist)}`);
    return `(CASE id_type ${cases.join(' ')} END) IS NOT DISTINCT FROM id_value`;
  }

  /**
   * Every identifier the lake or the store knows, numbered in seed order, with its type code, its
   * previous customer numbered oldest first (-1 if new), and whether its would-be new customer id
   * already names a customer (then a new customer seeded by it takes the second attempt).
   */
  nodesSql(knownTypes: readonly string[], typeCodes: ReadonlyMap<string, number>, anyPrevious: boolean, salt: string): Array<{ sql: string; params: string[] }> {
    const lake = `SELECT x.type AS id_type, x.value AS id_value, min(t) AS first_seen, max(t) AS last_seen, count(*) AS occurrences
      FROM (SELECT t, unnest(ids) AS x FROM ${this.table('records')}) WHERE x.value IS NOT NULL GROUP BY 1, 2`;
    const codes = [...typeCodes].map(([type, code]) => `WHEN ${sqlString(type)} THEN ${code}`).join(' ');
    const taken = anyPrevious
      ? `${customerIdSql('id_type', 'id_value', '0')} IN (SELECT customer_id FROM ${this.table('previous_customers')} UNION SELECT customer_id FROM ${this.table('previous')})`
      : 'false';
    const statements = [
      `CREATE OR REPLACE TABLE ${this.table('previous_valid')} AS SELECT * FROM ${this.table('previous')} WHERE ${this.stillValid(knownTypes)}`,
      `CREATE OR REPLACE TABLE ${this.table('previous_numbered')} AS
        SELECT customer_id, row_number() OVER (ORDER BY coalesce(c.first_seen, ${NO_TIME_MS}), ${this.rankSql('c.seed_type', knownTypes)}, c.seed_type, c.seed_value, customer_id) - 1 AS previous_index
        FROM (SELECT DISTINCT customer_id FROM ${this.table('previous_valid')}) AS p
        LEFT JOIN ${this.table('previous_customers')} AS c USING (customer_id)`,
      `CREATE OR REPLACE TABLE ${this.table('nodes')} AS
        WITH joined AS (
          SELECT coalesce(l.id_type, p.id_type) AS id_type, coalesce(l.id_value, p.id_value) AS id_value,
            l.id_type IS NOT NULL AS in_lake, coalesce(l.first_seen, ${NO_TIME_MS}) AS first_seen, l.last_seen,
            coalesce(l.occurrences, 0) AS occurrences, p.customer_id AS previous_customer
          FROM (${lake}) AS l
          FULL OUTER JOIN ${this.table('previous_valid')} AS p ON p.id_type = l.id_type AND p.id_value = l.id_value
        )
        SELECT row_number() OVER (ORDER BY ${this.seedOrder(knownTypes)}) - 1 AS node, j.*,
          ${codes === '' ? '0' : `CASE id_type ${codes} END`} AS type_code,
          coalesce(n.previous_index, -1) AS previous_index,
          CASE WHEN in_lake THEN ${taken} ELSE false END AS fresh_id_taken
        FROM joined AS j LEFT JOIN ${this.table('previous_numbered')} AS n ON n.customer_id = j.previous_customer`,
    ];
    return statements.map((sql, index) => ({ sql, params: index === 2 && anyPrevious ? [salt] : [] }));
  }

  nodesExportSql(file: string): string {
    return `COPY (SELECT type_code, in_lake::INTEGER, previous_index, fresh_id_taken::INTEGER FROM ${this.table('nodes')} ORDER BY node)
      TO ${sqlString(file)} (FORMAT csv, HEADER false)`;
  }

  separationsExportSql(file: string): string {
    return `COPY (SELECT n.node, s.token FROM ${this.table('separation_sides')} AS s
        JOIN ${this.table('nodes')} AS n ON n.id_type = s.id_type AND n.id_value = s.id_value ORDER BY 1, 2)
      TO ${sqlString(file)} (FORMAT csv, HEADER false)`;
  }

  /**
   * Links: each record links its strongest identifier (the anchor) with each of the others, in type
   * priority — linking them in that order is what lets a limit drop the weakest. A pair seen in many
   * records is one edge, applied at its first sighting (time, then source and record, then position
   * in the record), with its provenance and counts.
   */
  edgesSql(): string {
    const nodes = this.table('nodes');
    return `CREATE OR REPLACE TABLE ${this.table('edges')} AS
      WITH present AS (
        SELECT source, record_id, t, list_filter(ids, x -> x.value IS NOT NULL) AS v FROM ${this.table('records')}
      ), links AS (
        SELECT source, record_id, t, v[1] AS anchor, unnest(v[2:]) AS other, generate_subscripts(v[2:], 1) AS pos
        FROM present WHERE len(v) >= 2
      ), numbered AS (
        SELECT a.node AS a_node, b.node AS b_node, l.source, l.record_id, l.t, l.pos FROM links AS l
        JOIN ${nodes} AS a ON a.id_type = l.anchor.type AND a.id_value = l.anchor.value
        JOIN ${nodes} AS b ON b.id_type = l.other.type AND b.id_value = l.other.value
        WHERE a.node <> b.node
      ), pairs AS (
        SELECT least(a_node, b_node) AS lo, greatest(a_node, b_node) AS hi,
          min({'t': t, 's': source, 'r': record_id, 'p': pos}) AS first, max(t) AS last_seen, count(*) AS occurrences
        FROM numbered GROUP BY 1, 2
      )
      SELECT row_number() OVER (ORDER BY first, lo, hi) - 1 AS edge, lo, hi,
        first.t AS first_seen, first.s AS source, first.r AS record_id, last_seen, occurrences
      FROM pairs`;
  }

  edgesExportSql(file: string): string {
    return `COPY (SELECT lo, hi FROM ${this.table('edges')} ORDER BY edge) TO ${sqlString(file)} (FORMAT csv, HEADER false)`;
  }

  /** Reads the stitcher's answer back and names every customer; the id salt is bound, never spliced in. */
  finalSql(files: { assigned: string; refused: string; merges: string }, salt: string): Array<{ sql: string; params: string[] }> {
    const csv = (file: string, columns: string) => `read_csv(${sqlString(file)}, header = false, delim = ',', auto_detect = false, columns = {${columns}})`;
    const nodes = this.table('nodes');
    return [
      { sql: `CREATE OR REPLACE TABLE ${this.table('assigned')} AS SELECT * FROM ${csv(files.assigned, `node: 'INTEGER', final_previous: 'INTEGER', final_seed: 'INTEGER', attempt: 'INTEGER'`)}`, params: [] },
      { sql: `CREATE OR REPLACE TABLE ${this.table('refused')} AS SELECT * FROM ${csv(files.refused, `edge: 'INTEGER', outcome: 'INTEGER', type_code: 'INTEGER'`)}`, params: [] },
      { sql: `CREATE OR REPLACE TABLE ${this.table('merges')} AS SELECT * FROM ${csv(files.merges, `from_index: 'INTEGER', into_index: 'INTEGER', edge: 'INTEGER'`)}`, params: [] },
      {
        params: [salt],
        sql: `CREATE OR REPLACE TABLE ${this.table('final')} AS
        SELECT n.node, n.id_type, n.id_value, n.in_lake, n.first_seen, n.previous_customer, a.final_previous, a.final_seed,
          CASE WHEN a.final_previous >= 0 THEN p.customer_id ELSE ${customerIdSql('s.id_type', 's.id_value', 'a.attempt')} END AS customer_id
        FROM ${nodes} AS n
        JOIN ${this.table('assigned')} AS a USING (node)
        LEFT JOIN ${this.table('previous_numbered')} AS p ON p.previous_index = a.final_previous
        LEFT JOIN ${nodes} AS s ON s.node = a.final_seed`,
      },
    ];
  }

  /** Customer ids given to two different customers (a hash collision): must be none. */
  duplicateIdsSql(): string {
    return `SELECT count(*) AS duplicates FROM (
        SELECT customer_id FROM (SELECT DISTINCT customer_id, final_previous, final_seed FROM ${this.table('final')}) GROUP BY 1 HAVING count(*) > 1)`;
  }

  statusSql(typeNames: readonly string[]): string {
    const names = typeNames.map((type, code) => `WHEN ${code} THEN ${sqlString(type)}`).join(' ');
    return `CASE r.outcome WHEN 2 THEN 'capped:' || (CASE r.type_code ${names} END) WHEN 3 THEN 'separated' WHEN 4 THEN 'indirect' ELSE 'linked' END`;
  }
}
