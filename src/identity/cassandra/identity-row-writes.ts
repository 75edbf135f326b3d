import { CELL_OVERHEAD_BYTES, PARTITION_OVERHEAD_BYTES } from '../../store/cassandra/replica-batches';
import { identifierKey } from '../identifier';
import type { IdentityChanges } from '../identity-store.port';

/** One row written or deleted: its statement, where it lives, and its estimated share of a batch. */
export interface RowWrite {
  table: string;
  /** The partition key's columns, in schema order (text columns only in these tables). */
  partitionKey: readonly string[];
  /** The row within its table; one change writes a row at most once (the last write wins). */
  rowKey: string;
  query: string;
  params: readonly unknown[];
  /** Estimated data bytes, as Cassandra counts them against its batch size warning. */
  bytes: number;
}

/** The write and delete statements apply() uses, by the store's keyspace. */
export interface WriteStatements {
  assign: string;
  unassign: string;
  putCustomer: string;
  removeCustomer: string;
  putMerge: string;
  indexMerge: string;
  putSeparation: string;
}

const utf8 = (text: string) => Buffer.byteLength(text, 'utf8');
// Key bytes, plus each written cell (name, value) and the row marker an INSERT adds, or the deletion a DELETE adds.
const estimate = (key: readonly string[], cells: ReadonlyArray<readonly [string, string]>) =>
  PARTITION_OVERHEAD_BYTES + key.reduce((sum, part) => sum + utf8(part), 0) + CELL_OVERHEAD_BYTES + cells.reduce((sum, [name, value]) => sum + CELL_OVERHEAD_BYTES + utf8(name) + utf8(value), 0);
// A timestamp clustering column: 8 bytes.
const TIMESTAMP_BYTES = 8;

/**
 * A change as rows, in phases to apply one after the other: separations, then assignments, then
 * customer records (a reader who finds a customer's record finds its identifiers assigned), then
 * merge records and the merge index (whoever finds a merge in a customer's history finds its record).
 *
 * Separations come first because an un-merge is the only change that writes one, and its other rows
 * undo the merge: a batch stitch that read them without the separation would see two customers the
 * lake's records join, and merge them again. That could happen if the un-merge was cut off before its
 * last phase, or if the stitch's export read the customers after the un-merge and the separations
 * before it (exportCustomers reads the customers first). A separation read while the merge is not
 * undone yet makes the stitch split the customer itself, which is the un-merge's intent.
 *
 * Removals come before writes within their phase and a row keeps only its last write, so an
 * identifier or customer both removed and written is just written (whole-row overwrites in tables
 * of one value column, so the outcome is the same as deleting first). Rows are therefore distinct
 * within a phase and their order there does not matter: a phase may go in batches in any order,
 * and Cassandra's tie-break between two writes of one row with the same timestamp (a batch's) never
 * comes into play.
 */
export function identityRowWrites(changes: IdentityChanges, statements: WriteStatements): RowWrite[][] {
  const assignments: RowWrite[] = [
    ...changes.unassign.map(({ type, value }): RowWrite => ({
      table: 'identity_assignments',
      partitionKey: [type, value],
      rowKey: identifierKey({ type, value }),
      query: statements.unassign,
      params: [type, value],
      bytes: estimate([type, value], []),
    })),
    ...changes.assign.map(({ identifier: { type, value }, customerId }): RowWrite => ({
      table: 'identity_assignments',
      partitionKey: [type, value],
      rowKey: identifierKey({ type, value }),
      query: statements.assign,
      params: [type, value, customerId],
      bytes: estimate([type, value], [['customer_id', customerId]]),
    })),
  ];
  const customers: RowWrite[] = [
    ...changes.removeCustomers.map((customerId): RowWrite => ({ table: 'identity_customers', partitionKey: [customerId], rowKey: customerId, query: statements.removeCustomer, params: [customerId], bytes: estimate([customerId], []) })),
    ...changes.customers.map((customer): RowWrite => {
      const record = JSON.stringify(customer);
      return { table: 'identity_customers', partitionKey: [customer.customerId], rowKey: customer.customerId, query: statements.putCustomer, params: [customer.customerId, record], bytes: estimate([customer.customerId], [['record', record]]) };
    }),
  ];
  const merges = changes.merges.map((merge): RowWrite => {
    const record = JSON.stringify(merge);
    return { table: 'identity_merges', partitionKey: [merge.mergeId], rowKey: merge.mergeId, query: statements.putMerge, params: [merge.mergeId, record], bytes: estimate([merge.mergeId], [['record', record]]) };
  });
  const mergeIndex = changes.merges.flatMap((merge) =>
    [
      [merge.into, merge.from],
      [merge.from, merge.into],
    ].map(([customerId, other]): RowWrite => ({
      table: 'identity_customer_merges',
      partitionKey: [customerId],
      rowKey: JSON.stringify([customerId, merge.at, merge.mergeId]),
      query: statements.indexMerge,
      params: [customerId, new Date(merge.at), merge.mergeId, other],
      bytes: estimate([customerId], [['merge_id', merge.mergeId], ['other_customer_id', other]]) + TIMESTAMP_BYTES,
    })),
  );
  const separations = changes.separations.map((separation): RowWrite => {
    const record = JSON.stringify(separation);
    return { table: 'identity_separations', partitionKey: [separation.separationId], rowKey: separation.separationId, query: statements.putSeparation, params: [separation.separationId, record], bytes: estimate([separation.separationId], [['record', record]]) };
  });
  return [separations, assignments, customers, merges, mergeIndex].map(lastWritePerRow).filter((phase) => phase.length > 0);
}

/** Each row's last write, in the order of those last writes. */
function lastWritePerRow(rows: readonly RowWrite[]): RowWrite[] {
  const last = new Map<string, RowWrite>();
  for (const row of rows) {
    const key = `${row.table}\u0000${row.rowKey}`;
    // Deleted first, so that the map's order is that of the last writes.
    last.delete(key);
    last.set(key, row);
  }
  return [...last.values()];
}
