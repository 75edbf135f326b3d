import { sqlString } from '../../lake/lake-relation';
import { STITCH_ID_METADATA_KEY } from '../identity-tables';
import type { GraphTables } from './graph-tables.sql';
import { withoutInsertionOrder } from './insertion-order.sql';
import { NO_TIME_MS, sourceNameSql } from './record-identifiers.sql';

/**
 * The batch stitch's outputs: the identity zone's Parquet tables (the map other jobs join to, the
 * edges with provenance, the blocked values) and, as JSON lines, what changed for the identity store.
 * Parquet rows come in no particular order: readers join or aggregate them, and sorting ten million
 * rows would cost more than writing them.
 */
/**
 * The ten-million-row tables' Parquet options. Their values and ids are nearly all distinct, so a
 * dictionary never pays; by default DuckDB fills one per string column before giving up, a fifth
 * of the write. Above 1,000 entries it gives up early, while the types, sources and statuses (a
 * handful of values) keep theirs: same files, same size.
 */
const PARQUET = 'FORMAT parquet, DICTIONARY_SIZE_LIMIT 1000';
/** Longer survivor chains than this are taken for a loop (a damaged store), not followed further. */
const MAX_CHAIN = 1000;

export class OutputTables {
  /** `stitchId` marks both files of one stitch: identity_edges refers to identity_map's rows by id_key, which only that stitch's map resolves. */
  constructor(
    private readonly tables: GraphTables,
    private readonly stitchId: string,
  ) {}

  private parquet(): string {
    return `(${PARQUET}, KV_METADATA {${sqlString(STITCH_ID_METADATA_KEY)}: ${sqlString(this.stitchId)}})`;
  }

  private t(name: string): string {
    return this.tables.table(name);
  }

  /** id_key is the identifier's node number in this stitch: what identity_edges names its ends by. */
  identityMapSql(file: string): string {
    return withoutInsertionOrder(`COPY (SELECT ${this.tables.typeNameSql('type_code')} AS id_type, id_value, customer_id, node::INTEGER AS id_key FROM ${this.t('final')})
      TO ${sqlString(file)} ${this.parquet()}`);
  }

  /** Each end is an id_key of the same stitch's identity_map, with its type. */
  edgesSql(file: string): string {
    return withoutInsertionOrder(`COPY (
        SELECT e.lo::INTEGER AS a_key, ${this.tables.typeNameSql('e.lo_type')} AS a_type, e.hi::INTEGER AS b_key, ${this.tables.typeNameSql('e.hi_type')} AS b_type,
          ${sourceNameSql('e.source')} AS source, e.record_id, epoch_ms(e.first_seen) AS first_seen, epoch_ms(e.last_seen) AS last_seen, e.occurrences,
          ${this.tables.statusSql('r.outcome', 'r.type_code')} AS status
        FROM ${this.t('edge_rows')} AS e
        LEFT JOIN ${this.t('refused')} AS r ON r.edge = e.edge
      ) TO ${sqlString(file)} ${this.parquet()}`);
  }

  blockedSql(file: string): string {
    return `COPY (SELECT * FROM ${this.t('blocked')} ORDER BY occurrences DESC, id_type, raw_value) TO ${sqlString(file)} (FORMAT parquet)`;
  }

  /** Counts for the run summary. */
  summarySql(): string {
    return `SELECT
        (SELECT count(*) FROM ${this.t('nodes')} WHERE in_lake) AS identifiers,
        (SELECT count(*) FROM ${this.t('new_customers')}) + (SELECT count(DISTINCT final_previous) FROM ${this.t('assigned')} WHERE final_previous >= 0) AS customers,
        (SELECT count(*) FROM ${this.t('new_customers')} WHERE revived) AS revived_customers,
        (SELECT coalesce(sum(occurrences), 0) FROM ${this.t('blocked')} WHERE reason = 'blocklist') AS blocked_values,
        (SELECT coalesce(sum(occurrences), 0) FROM ${this.t('blocked')} WHERE reason = 'malformed') AS malformed_values`;
  }

  /**
   * SQL: whether a final row's customer is not the one it had. Customers are compared by number:
   * a kept customer keeps its number, and a new one's id is none a previous customer had.
   */
  private static moved(row = ''): string {
    const column = (name: string) => (row === '' ? name : `${row}.${name}`);
    return `(${column('previous_index')} < 0 OR ${column('final_previous')} IS DISTINCT FROM ${column('previous_index')})`;
  }

  /**
   * Assignments that changed (new identifiers, moved ones), as JSON lines in unit order, each with
   * the customer the exported store gave it (expected_customer_id; null if it had none).
   */
  changedAssignmentsSql(file: string): string {
    const t = (name: string) => this.t(name);
    return `COPY (
        SELECT ${this.tables.typeNameSql('f.type_code')} AS id_type, f.id_value, f.customer_id, p.customer_id AS expected_customer_id, u.unit
        FROM ${t('final')} AS f
        JOIN ${t('units')} AS u ON u.customer_id = f.customer_id
        LEFT JOIN ${t('previous_numbered')} AS p ON p.previous_index = f.previous_index
        WHERE ${OutputTables.moved('f')}
        ORDER BY u.unit
      ) TO ${sqlString(file)} (FORMAT json)`;
  }

  /** Stored assignments whose value today's rules reject (e.g. a value added to the blocklist), in unit order. */
  droppedAssignmentsSql(file: string): string {
    return `COPY (
        SELECT d.id_type, d.id_value, d.customer_id, u.unit FROM ${this.t('previous_dropped')} AS d JOIN ${this.t('units')} AS u USING (customer_id) ORDER BY u.unit
      ) TO ${sqlString(file)} (FORMAT json)`;
  }

  /**
   * Where each merged-away customer's id leads after this stitch, and the customers a change touched.
   *
   * A merged-away customer's id must lead to the customer holding its anchor (merge-anchor.ts):
   * the identifiers of the strongest type its latest merge brought of its own (merge_anchors), when
   * one customer holds all of those the graph still has; for a customer whose merges brought
   * nothing, its seed. An anchor split between customers, or gone, decides nothing: the pointer
   * stays. Its lookups then reach what it was, as a live customer's id follows its strongest
   * identifier. The lake can move that anchor away from the customer the id leads to (it splits
   * what a merge joined, or gives the anchor to another customer), so every merged-away customer
   * whose chain, as this stitch leaves the chains, ends elsewhere than at its anchor's holder is
   * re-pointed to that holder (pointer_changes). Chains are walked from their live ends down, so a
   * re-point above a customer is seen before its own is decided. Revived customers
   * (newCustomersSql) stop being merged away. The pointers after the stitch (pointers_after: these,
   * the batch's own merges and every other stored one) give each touched customer its lineage
   * again (lineage_after), every customer that leads to it.
   */
  touchedSql(): string[] {
    const t = (name: string) => this.t(name);
    const batchMerged = `SELECT fr.customer_id, i.customer_id AS into_id FROM ${t('merges')} AS m
          JOIN ${t('previous_numbered')} AS fr ON fr.previous_index = m.from_index
          JOIN ${t('previous_numbered')} AS i ON i.previous_index = m.into_index`;
    return [
      `CREATE OR REPLACE TABLE ${t('pointer_changes')} AS
        WITH RECURSIVE revived AS (
          SELECT customer_id FROM ${t('new_customers')} WHERE revived
        ), anchor_holders AS (
          -- Only an anchor one customer holds all of (anchor_nodes, newCustomersSql): where it is split, or gone, the pointer stays.
          SELECT customer_id, CASE WHEN count(DISTINCT holder) = 1 THEN min(holder) END AS holder
          FROM (
            SELECT h.customer_id, coalesce(p.customer_id, s.customer_id) AS holder
            FROM ${t('anchor_nodes')} AS h
            LEFT JOIN ${t('previous_numbered')} AS p ON p.previous_index = h.final_previous
            LEFT JOIN ${t('new_customers')} AS s ON s.seed = h.final_seed
          )
          GROUP BY customer_id
        ), away AS (
          SELECT c.customer_id, c.merged_into AS old_into,
            CASE WHEN c.customer_id IN (SELECT customer_id FROM ${t('merge_anchors')}) THEN a.holder ELSE h.customer_id END AS holder
          FROM ${t('previous_customers')} AS c
          LEFT JOIN anchor_holders AS a USING (customer_id)
          LEFT JOIN ${t('final')} AS h ON h.type_code = ${this.tables.typeCodeSql('c.seed_type')} AND h.id_value = c.seed_value
          WHERE c.merged_into IS NOT NULL AND c.customer_id NOT IN (SELECT customer_id FROM revived)
            -- Merged, yet holding identifiers (a damaged store): it continues where they are, unchanged.
            AND c.customer_id NOT IN (SELECT customer_id FROM ${t('previous_numbered')})
        ), batch_merged AS (${batchMerged}
        ), chain(customer_id, old_into, holder, via, depth) AS (
          SELECT a.customer_id, a.old_into, a.holder, coalesce(b.into_id, a.old_into), 1
          FROM away AS a LEFT JOIN batch_merged AS b ON b.customer_id = a.old_into
          WHERE a.old_into NOT IN (SELECT customer_id FROM away)
          UNION ALL
          SELECT a.customer_id, a.old_into, a.holder, CASE WHEN c.holder IS NOT NULL AND c.holder <> c.via THEN c.holder ELSE c.via END, c.depth + 1
          FROM chain AS c JOIN away AS a ON a.old_into = c.customer_id
          WHERE c.depth < ${MAX_CHAIN}
        )
        SELECT customer_id, old_into, holder AS new_into FROM chain WHERE holder IS NOT NULL AND holder <> via
        UNION ALL
        SELECT n.customer_id, c.merged_into, NULL FROM ${t('new_customers')} AS n JOIN ${t('previous_customers')} AS c USING (customer_id) WHERE n.revived`,
      `CREATE OR REPLACE TABLE ${t('pointers_after')} AS
        SELECT customer_id, into_id FROM (
          SELECT c.customer_id, CASE WHEN p.customer_id IS NOT NULL THEN p.new_into ELSE c.merged_into END AS into_id
          FROM ${t('previous_customers')} AS c LEFT JOIN ${t('pointer_changes')} AS p USING (customer_id)
          WHERE c.merged_into IS NOT NULL
          UNION ALL ${batchMerged}
        )
        WHERE into_id IS NOT NULL`,
      `CREATE OR REPLACE TABLE ${t('lineage_after')} AS
        WITH RECURSIVE up(descendant, ancestor, depth) AS (
          SELECT customer_id, into_id, 1 FROM ${t('pointers_after')}
          UNION ALL
          SELECT up.descendant, p.into_id, up.depth + 1 FROM up JOIN ${t('pointers_after')} AS p ON p.customer_id = up.ancestor WHERE up.depth < ${MAX_CHAIN}
        )
        SELECT DISTINCT descendant, ancestor FROM up`,
      // Each customer whose pointer changed, with every customer its chain passed before and passes
      // now: their lineages change with it, so they are written in its unit.
      `CREATE OR REPLACE TABLE ${t('lineage_links')} AS
        WITH RECURSIVE changed AS (
          SELECT customer_id, old_into FROM ${t('pointer_changes')}
          UNION ALL SELECT customer_id, NULL FROM (${batchMerged})
        ), before(customer_id, ancestor, depth) AS (
          SELECT customer_id, old_into, 1 FROM changed WHERE old_into IS NOT NULL
          UNION ALL
          SELECT b.customer_id, c.merged_into, b.depth + 1 FROM before AS b JOIN ${t('previous_customers')} AS c ON c.customer_id = b.ancestor
          WHERE c.merged_into IS NOT NULL AND b.depth < ${MAX_CHAIN}
        )
        SELECT DISTINCT b.customer_id, b.ancestor FROM before AS b SEMI JOIN ${t('previous_customers')} AS c ON c.customer_id = b.ancestor
        UNION SELECT l.descendant, l.ancestor FROM ${t('lineage_after')} AS l SEMI JOIN changed ON changed.customer_id = l.descendant`,
      `CREATE OR REPLACE TABLE ${t('touched')} AS
        SELECT customer_id FROM ${t('final')} WHERE ${OutputTables.moved()}
        UNION SELECT p.customer_id FROM (SELECT DISTINCT previous_index FROM ${t('final')} WHERE ${OutputTables.moved()} AND previous_index >= 0) AS f
          JOIN ${t('previous_numbered')} AS p USING (previous_index)
        UNION SELECT customer_id FROM ${t('previous_dropped')}
        UNION SELECT customer_id FROM ${t('lineage_links')}
        UNION SELECT ancestor FROM ${t('lineage_links')}
          WHERE ancestor IN (SELECT customer_id FROM ${t('previous_customers')} UNION ALL SELECT customer_id FROM ${t('new_customers')})`,
    ];
  }

  /**
   * The store sync's units: the touched customers that one change must write together, or neither
   * (unit_links: an identifier's previous and new customer, a merge's two, a revived customer and
   * its survivor), each unit labelled by its least customer id. `startSql` gives every customer its
   * own label; each round of `roundSql` gives each the least label among itself and its neighbours,
   * until `changedSql` counts none changed (as many rounds as the longest chain of links, a
   * handful); `numberSql` then numbers the units
   * (`units`: customer_id, unit), the order the sync's files share.
   */
  unitsSql(): { startSql: string[]; roundSql: string[]; changedSql: string; numberSql: string[] } {
    const t = (name: string) => this.t(name);
    return {
      startSql: [
        `CREATE OR REPLACE TABLE ${t('unit_links')} AS
          SELECT p.customer_id AS a, f.customer_id AS b
          FROM ${t('final')} AS f JOIN ${t('previous_numbered')} AS p ON p.previous_index = f.previous_index
          WHERE f.previous_index >= 0 AND f.final_previous IS DISTINCT FROM f.previous_index
          UNION
          SELECT fr.customer_id, i.customer_id FROM ${t('merges')} AS m
          JOIN ${t('previous_numbered')} AS fr ON fr.previous_index = m.from_index
          JOIN ${t('previous_numbered')} AS i ON i.previous_index = m.into_index
          UNION
          SELECT customer_id, ancestor FROM ${t('lineage_links')}`,
        `CREATE OR REPLACE TABLE ${t('unit_labels')} AS SELECT customer_id, customer_id AS label FROM ${t('touched')}`,
      ],
      roundSql: [
        `CREATE OR REPLACE TABLE ${t('unit_labels_next')} AS
          SELECT customer_id, label, label <> previous_label AS changed
          FROM (
            SELECT u.customer_id, u.label AS previous_label, least(u.label, coalesce(min(v.label), u.label)) AS label
            FROM ${t('unit_labels')} AS u
            LEFT JOIN (SELECT a AS customer_id, b AS neighbour FROM ${t('unit_links')} UNION ALL SELECT b, a FROM ${t('unit_links')}) AS e USING (customer_id)
            LEFT JOIN ${t('unit_labels')} AS v ON v.customer_id = e.neighbour
            GROUP BY u.customer_id, u.label
          )`,
        `DROP TABLE ${t('unit_labels')}`,
        `ALTER TABLE ${t('unit_labels_next')} RENAME TO unit_labels`,
      ],
      changedSql: `SELECT count(*) FROM ${t('unit_labels')} WHERE changed`,
      numberSql: [
        `CREATE OR REPLACE TABLE ${t('units')} AS
          SELECT customer_id, (dense_rank() OVER (ORDER BY unit_seen, label))::BIGINT AS unit
          FROM (
            SELECT l.customer_id, l.label, min(coalesce(c.first_seen, s.first_seen, ${NO_TIME_MS})) OVER (PARTITION BY l.label) AS unit_seen
            FROM ${t('unit_labels')} AS l
            LEFT JOIN ${t('previous_customers')} AS c USING (customer_id)
            LEFT JOIN ${t('new_customers')} AS s USING (customer_id)
          )`,
        `DROP TABLE ${t('unit_labels')}`,
      ],
    };
  }

  /**
   * Every customer a change touched: gaining or losing identifiers, merged away, re-pointed, revived,
   * or new; existing ones keep their seed, a new one takes its seed's. Each carries its unit and the
   * version the exported store had of it (expected_updated_at; null for a new one), where its id
   * leads and its lineage after the stitch (merged_into, merged_from: see touchedSql), and, when its
   * pointer changed, the customer it led to until now (undo_into: that merge is undone) and the one
   * it is re-pointed to (repointed_into). Ordered by unit and customer id, as touchedMembersSql: the
   * store sync pairs them up while streaming, so no customer's identifiers are ever gathered in the
   * lake engine (a first run touches every customer).
   */
  touchedCustomersSql(file: string): string {
    const t = (name: string) => this.t(name);
    return `COPY (
        SELECT u.customer_id, u.unit, coalesce(c.seed_type, s.seed_type) AS seed_type, coalesce(c.seed_value, s.seed_value) AS seed_value,
          coalesce(c.first_seen, s.first_seen) AS first_seen, a.into_id AS merged_into,
          coalesce(l.merged_from, []) AS merged_from,
          p.old_into AS undo_into, p.new_into AS repointed_into, c.updated_at AS expected_updated_at
        FROM ${t('units')} AS u
        LEFT JOIN ${t('previous_customers')} AS c USING (customer_id)
        LEFT JOIN ${t('new_customers')} AS s USING (customer_id)
        LEFT JOIN ${t('pointers_after')} AS a USING (customer_id)
        LEFT JOIN ${t('pointer_changes')} AS p USING (customer_id)
        LEFT JOIN (SELECT ancestor AS customer_id, list(descendant ORDER BY descendant) AS merged_from FROM ${t('lineage_after')} GROUP BY 1) AS l USING (customer_id)
        ORDER BY u.unit, u.customer_id
      ) TO ${sqlString(file)} (FORMAT json)`;
  }

  /** The touched customers' identifiers, in the customers' order, each customer's strongest type first (type codes follow priority), then by value. */
  touchedMembersSql(file: string): string {
    return `COPY (
        SELECT f.customer_id, ${this.tables.typeNameSql('f.type_code')} AS id_type, f.id_value
        FROM ${this.t('final')} AS f JOIN ${this.t('units')} AS u ON u.customer_id = f.customer_id
        ORDER BY u.unit, f.customer_id, f.type_code, f.id_value
      ) TO ${sqlString(file)} (FORMAT json)`;
  }

  /** Merges of previous customers, in unit order, with the record and link that caused each, what the merged one brought the survivor and what the survivor held before. */
  mergesSql(file: string): string {
    const t = (name: string) => this.t(name);
    // The merged customers are few; restrict to them before gathering what they held.
    return `COPY (
        WITH merged AS (
          SELECT m.edge, m.from_index, m.into_index, f.customer_id AS from_id, i.customer_id AS into_id FROM ${t('merges')} AS m
          JOIN ${t('previous_numbered')} AS f ON f.previous_index = m.from_index
          JOIN ${t('previous_numbered')} AS i ON i.previous_index = m.into_index
        ), held AS (
          SELECT customer_id, list({'type': id_type, 'value': id_value} ORDER BY id_type, id_value) AS identifiers
          FROM (
            -- What the merged customer held that goes to the survivor: what the lake gave other
            -- customers it did not bring, and its anchor must not be there (merge-anchor.ts).
            SELECT merged.from_id AS customer_id, ${this.tables.typeNameSql('f.type_code')} AS id_type, f.id_value
            FROM ${t('final')} AS f JOIN merged ON merged.from_index = f.previous_index AND merged.into_index = f.final_previous
            UNION ALL
            SELECT d.customer_id, d.id_type, d.id_value FROM ${t('previous_dropped')} AS d SEMI JOIN merged ON merged.from_id = d.customer_id
          )
          GROUP BY 1
        ), held_before AS (
          -- What the customers its cause link joined it with held (merge_counterparts); for a merge of
          -- no known cause, every stored identifier the survivor holds but the merged customer's own.
          SELECT from_id, list({'type': id_type, 'value': id_value} ORDER BY id_type, id_value) AS identifiers
          FROM (
            SELECT m.from_id, ${this.tables.typeNameSql('n.type_code')} AS id_type, n.id_value
            FROM merged AS m
            JOIN ${t('merge_counterparts')} AS c ON c.from_index = m.from_index
            JOIN ${t('nodes')} AS n ON n.previous_index = c.member_index
            UNION ALL
            SELECT m.from_id, ${this.tables.typeNameSql('f.type_code')} AS id_type, f.id_value
            FROM merged AS m JOIN ${t('final')} AS f ON f.customer_id = m.into_id
            WHERE f.previous_index >= 0 AND f.previous_index <> m.from_index
              AND m.from_index NOT IN (SELECT from_index FROM ${t('merge_counterparts')})
          )
          GROUP BY 1
        ), node_values AS (
          SELECT rowid AS node, id_value FROM ${t('nodes')}
        ), causes AS (
          SELECT e.*, lo.id_value AS lo_value, hi.id_value AS hi_value
          FROM ${t('edge_rows')} AS e SEMI JOIN merged ON merged.edge = e.edge
          JOIN node_values AS lo ON lo.node = e.lo
          JOIN node_values AS hi ON hi.node = e.hi
        )
        SELECT m.from_id, m.into_id, u.unit,
          ${sourceNameSql('e.source')} AS source, e.record_id, e.first_seen AS time,
          ${this.tables.typeNameSql('e.lo_type')} AS a_type, e.lo_value AS a_value, ${this.tables.typeNameSql('e.hi_type')} AS b_type, e.hi_value AS b_value,
          h.identifiers, b.identifiers AS into_identifiers
        FROM merged AS m
        JOIN ${t('units')} AS u ON u.customer_id = m.from_id
        LEFT JOIN causes AS e ON e.edge = m.edge
        LEFT JOIN held AS h ON h.customer_id = m.from_id
        LEFT JOIN held_before AS b ON b.from_id = m.from_id
        ORDER BY u.unit, m.from_id
      ) TO ${sqlString(file)} (FORMAT json)`;
  }
}
