import { sqlString } from '../../lake/lake-relation';
import type { GraphTables } from './graph-tables.sql';

/**
 * The batch stitch's outputs: the identity zone's Parquet tables (the map other jobs join to, the
 * edges with provenance, the blocked values) and, as JSON lines, what changed for the identity store.
 */
export class OutputTables {
  constructor(
    private readonly tables: GraphTables,
    private readonly knownTypes: readonly string[],
  ) {}

  private rank(column: string): string {
    return this.tables.rankSql(column, this.knownTypes);
  }

  identityMapSql(file: string): string {
    return `COPY (SELECT id_type, id_value, customer_id FROM ${this.tables.table('final')} ORDER BY customer_id, ${this.rank('id_type')}, id_type, id_value)
      TO ${sqlString(file)} (FORMAT parquet)`;
  }

  edgesSql(file: string, typeNames: readonly string[]): string {
    const nodes = this.tables.table('nodes');
    return `COPY (
        SELECT a.id_type AS a_type, a.id_value AS a_value, b.id_type AS b_type, b.id_value AS b_value,
          e.source, e.record_id, epoch_ms(e.first_seen) AS first_seen, epoch_ms(e.last_seen) AS last_seen, e.occurrences,
          ${this.tables.statusSql(typeNames)} AS status
        FROM ${this.tables.table('edges')} AS e
        JOIN ${nodes} AS a ON a.node = e.lo
        JOIN ${nodes} AS b ON b.node = e.hi
        LEFT JOIN ${this.tables.table('refused')} AS r ON r.edge = e.edge
        ORDER BY e.edge
      ) TO ${sqlString(file)} (FORMAT parquet)`;
  }

  blockedSql(file: string): string {
    return `COPY (SELECT * FROM ${this.tables.table('blocked')} ORDER BY occurrences DESC, id_type, raw_value) TO ${sqlString(file)} (FORMAT parquet)`;
  }

  /** Counts for the run summary. */
  summarySql(): string {
    const t = (name: string) => this.tables.table(name);
    return `SELECT
        (SELECT count(*) FROM ${t('records')}) AS records,
        (SELECT count(*) FROM ${t('nodes')} WHERE in_lake) AS identifiers,
        (SELECT count(*) FROM ${t('edges')}) AS edges,
        (SELECT count(DISTINCT customer_id) FROM ${t('final')}) AS customers,
        (SELECT coalesce(sum(occurrences), 0) FROM ${t('blocked')} WHERE reason = 'blocklist') AS blocked_values,
        (SELECT coalesce(sum(occurrences), 0) FROM ${t('blocked')} WHERE reason = 'malformed') AS malformed_values`;
  }

  /** Assignments that changed (new identifiers, moved ones), as JSON lines. */
  changedAssignmentsSql(file: string): string {
    return `COPY (SELECT id_type, id_value, customer_id FROM ${this.tables.table('final')} WHERE previous_customer IS DISTINCT FROM customer_id)
      TO ${sqlString(file)} (FORMAT json)`;
  }

  /** Stored assignments whose value today's rules reject (e.g. a value added to the blocklist). */
  droppedAssignmentsSql(file: string): string {
    const previous = this.tables.table('previous');
    return `COPY (SELECT id_type, id_value, customer_id FROM ${previous} ANTI JOIN ${this.tables.table('previous_valid')} USING (id_type, id_value))
      TO ${sqlString(file)} (FORMAT json)`;
  }

  /**
   * The full record of every customer a change touched: gaining or losing identifiers, merged away,
   * or new. Existing customers keep their seed and lineage; a new one takes its seed node's.
   */
  touchedCustomersSql(file: string): string {
    const t = (name: string) => this.tables.table(name);
    return `COPY (
        WITH touched AS (
          SELECT customer_id FROM ${t('final')} WHERE previous_customer IS DISTINCT FROM customer_id
          UNION SELECT previous_customer FROM ${t('final')} WHERE previous_customer IS DISTINCT FROM customer_id AND previous_customer IS NOT NULL
          UNION SELECT customer_id FROM ${t('previous')} ANTI JOIN ${t('previous_valid')} USING (id_type, id_value)
        ), members AS (
          SELECT customer_id,
            list({'type': id_type, 'value': id_value} ORDER BY ${this.rank('id_type')}, id_type, id_value) AS identities,
            max(final_seed) AS seed_node
          FROM ${t('final')} WHERE customer_id IN (SELECT customer_id FROM touched) GROUP BY 1
        )
        SELECT t.customer_id, coalesce(m.identities, []) AS identities,
          coalesce(c.seed_type, s.id_type) AS seed_type, coalesce(c.seed_value, s.id_value) AS seed_value,
          coalesce(c.first_seen, s.first_seen) AS first_seen, c.merged_from
        FROM touched AS t
        LEFT JOIN members AS m USING (customer_id)
        LEFT JOIN ${t('previous_customers')} AS c USING (customer_id)
        LEFT JOIN ${t('nodes')} AS s ON s.node = m.seed_node
        ORDER BY t.customer_id
      ) TO ${sqlString(file)} (FORMAT json)`;
  }

  /** Merges of previous customers, with the record and link that caused each and what the merged one held. */
  mergesSql(file: string): string {
    const t = (name: string) => this.tables.table(name);
    return `COPY (
        SELECT f.customer_id AS from_id, i.customer_id AS into_id,
          e.source, e.record_id, e.first_seen AS time,
          a.id_type AS a_type, a.id_value AS a_value, b.id_type AS b_type, b.id_value AS b_value,
          (SELECT list({'type': p.id_type, 'value': p.id_value} ORDER BY p.id_type, p.id_value) FROM ${t('previous')} AS p WHERE p.customer_id = f.customer_id) AS identifiers
        FROM ${t('merges')} AS m
        JOIN ${t('previous_numbered')} AS f ON f.previous_index = m.from_index
        JOIN ${t('previous_numbered')} AS i ON i.previous_index = m.into_index
        LEFT JOIN ${t('edges')} AS e ON e.edge = m.edge
        LEFT JOIN ${t('nodes')} AS a ON a.node = e.lo
        LEFT JOIN ${t('nodes')} AS b ON b.node = e.hi
        ORDER BY from_id
      ) TO ${sqlString(file)} (FORMAT json)`;
  }
}
