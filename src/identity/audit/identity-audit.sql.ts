/**
 * The audit's queries over the identity zone's tables (`map`, `edges`, `blocked` are relations with
 * the columns stitching writes). Every list is ordered with a full tie-break, so the same zone
 * always gives the same report.
 */
export class IdentityAuditSql {
  constructor(
    private readonly map: string,
    private readonly edges: string,
    private readonly blocked: string,
  ) {}

  private sizes(): string {
    return `SELECT customer_id, count(*) AS identifiers FROM ${this.map} GROUP BY 1`;
  }

  totals(): string {
    return `SELECT
        (SELECT count(*) FROM ${this.map}) AS identifiers,
        (SELECT count(*) FROM (${this.sizes()})) AS customers,
        (SELECT count(*) FILTER (WHERE identifiers = 1) FROM (${this.sizes()})) AS singletons,
        (SELECT coalesce(max(identifiers), 0) FROM (${this.sizes()})) AS largest,
        (SELECT count(*) FROM ${this.edges}) AS edges`;
  }

  identifiersByType(): string {
    return `SELECT id_type AS type, count(*) AS identifiers FROM ${this.map} GROUP BY 1 ORDER BY 2 DESC, 1`;
  }

  edgesByStatus(): string {
    return `SELECT status, count(*) AS edges FROM ${this.edges} GROUP BY 1 ORDER BY 2 DESC, 1`;
  }

  /** Customers per size bucket: how the identifiers spread over customers. */
  sizeHistogram(): string {
    return `SELECT bucket, count(*) AS customers FROM (
        SELECT CASE WHEN identifiers <= 4 THEN identifiers::VARCHAR WHEN identifiers < 10 THEN '5-9' WHEN identifiers < 20 THEN '10-19'
                    WHEN identifiers < 50 THEN '20-49' ELSE '50+' END AS bucket,
          CASE WHEN identifiers <= 4 THEN identifiers WHEN identifiers < 10 THEN 5 WHEN identifiers < 20 THEN 10 WHEN identifiers < 50 THEN 20 ELSE 50 END AS lower_bound
        FROM (${this.sizes()})
      ) GROUP BY bucket, lower_bound ORDER BY lower_bound`;
  }

  largestCustomers(top: number): string {
    return `WITH largest AS (SELECT * FROM (${this.sizes()}) ORDER BY identifiers DESC, customer_id LIMIT ${top})
      SELECT l.customer_id, l.identifiers, m.id_type AS type, count(*) AS count
      FROM largest AS l JOIN ${this.map} AS m USING (customer_id)
      GROUP BY ALL ORDER BY l.identifiers DESC, l.customer_id, count DESC, type`;
  }

  /** Identifiers by how many links touch them, and how many of those were refused. Edges name their ends by the map's id_key. */
  mostConnected(top: number): string {
    return `WITH ends AS (
        SELECT a_key AS id_key, status, occurrences FROM ${this.edges}
        UNION ALL SELECT b_key, status, occurrences FROM ${this.edges}
      ), counted AS (
        SELECT id_key, count(*) AS links, count(*) FILTER (WHERE status = 'linked') AS linked, count(*) FILTER (WHERE status <> 'linked') AS refused,
          sum(occurrences) AS records
        FROM ends GROUP BY 1
      ), top_counted AS (
        -- Ties at the cut are broken by type and value, which only the map has: keep every key tied with the last one shown.
        SELECT * FROM counted WHERE links >= (SELECT min(links) FROM (SELECT links FROM counted ORDER BY links DESC LIMIT ${top}))
      ), named AS (
        SELECT m.id_type AS type, m.id_value AS value, m.customer_id, c.links, c.linked, c.refused, c.records
        FROM top_counted AS c JOIN ${this.map} AS m USING (id_key)
      )
      SELECT * FROM named ORDER BY links DESC, type, value LIMIT ${top}`;
  }

  /** Identifiers at an end of refused links: over-shared ones (family tablets, call-centre phones) lead. */
  mostRefused(top: number): string {
    return `WITH ends AS (
        SELECT a_key AS id_key, status FROM ${this.edges} WHERE status <> 'linked'
        UNION ALL SELECT b_key, status FROM ${this.edges} WHERE status <> 'linked'
      ), counted AS (
        SELECT id_key, count(*) AS refused, list(DISTINCT status ORDER BY status) AS statuses FROM ends GROUP BY 1
      )
      SELECT m.id_type AS type, m.id_value AS value, m.customer_id, c.refused, c.statuses
      FROM counted AS c JOIN ${this.map} AS m USING (id_key)
      ORDER BY c.refused DESC, type, value LIMIT ${top}`;
  }

  blockedValues(top: number): string {
    return `SELECT id_type AS type, raw_value AS value, reason, occurrences FROM ${this.blocked}
      ORDER BY occurrences DESC, reason, type, value LIMIT ${top}`;
  }

  blockedTotals(): string {
    return `SELECT reason, count(*) AS values, coalesce(sum(occurrences), 0) AS occurrences FROM ${this.blocked} GROUP BY 1 ORDER BY 1`;
  }
}
