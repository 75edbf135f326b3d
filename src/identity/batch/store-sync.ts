import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { EmbeddedIdentityStore } from '../embedded/embedded-identity-store';
import { mergeIdFor } from '../merge-id';
import type { Identifier } from '../identifier';
import { emptyChanges, type Assignment, type IdentityStore, type MergeRecord, type StoredCustomer } from '../identity-store.port';
import { decodeIdentifiers } from '../stored-records';
import { runEmbeddedStoreChild } from './embedded-store-child';

const PAGE = 10_000;

export interface StoreSyncFiles {
  changedAssignments: string;
  droppedAssignments: string;
  /** One row per touched customer, ordered by customer id. */
  touchedCustomers: string;
  /** The touched customers' identifiers, one per row, ordered by customer id and then as they are listed. */
  touchedMembers: string;
  merges: string;
}

export interface StoreSyncSummary {
  assigned: number;
  unassigned: number;
  customersWritten: number;
  merges: number;
}

type Row = Record<string, unknown>;

async function* jsonLines(file: string): AsyncIterable<Row> {
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  for await (const line of lines) if (line.trim() !== '') yield JSON.parse(line) as Row;
}

const text = (value: unknown): string => (typeof value === 'string' ? value : String(value));

function mergedFromOf(row: Row): string[] {
  const parsed: unknown = typeof row.merged_from === 'string' ? JSON.parse(row.merged_from) : [];
  return Array.isArray(parsed) ? parsed.filter((id): id is string => typeof id === 'string') : [];
}

function mergeRecord(row: Row, at: number): MergeRecord {
  const hasCause = typeof row.source === 'string' && typeof row.a_type === 'string' && typeof row.b_type === 'string';
  return {
    mergeId: mergeIdFor(text(row.from_id), text(row.into_id)),
    into: text(row.into_id),
    from: text(row.from_id),
    at,
    via: 'batch',
    cause: hasCause
      ? {
          source: text(row.source),
          recordId: text(row.record_id),
          time: typeof row.time === 'number' ? row.time : null,
          link: [
            { type: text(row.a_type), value: text(row.a_value) },
            { type: text(row.b_type), value: text(row.b_value) },
          ],
        }
      : null,
    identifiers: decodeIdentifiers(row.identifiers ?? []) ?? [],
    intoIdentifiers: decodeIdentifiers(row.into_identifiers ?? []) ?? [],
    undoneAt: null,
  };
}

/**
 * Writes what a batch stitch changed into the identity store, in pages: moved and new assignments
 * first (a reader then finds the customer an identifier points to), then the touched customers'
 * full records, then the merge history. Only changes are written, so a daily run costs what the
 * day changed, not the size of the graph.
 */
export async function syncStore(store: IdentityStore, files: StoreSyncFiles, now: number): Promise<StoreSyncSummary> {
  // An embedded store is written by a child process (see runEmbeddedStoreChild): a first stitch writes all of it.
  if (store instanceof EmbeddedIdentityStore) return runEmbeddedStoreChild<StoreSyncSummary>('sync', store.directory, [JSON.stringify(files), String(now)]);
  return syncStoreHere(store, files, now);
}

/** syncStore from this process. */
export async function syncStoreHere(store: IdentityStore, files: StoreSyncFiles, now: number): Promise<StoreSyncSummary> {
  const summary: StoreSyncSummary = { assigned: 0, unassigned: 0, customersWritten: 0, merges: 0 };
  const merges: MergeRecord[] = [];
  for await (const row of jsonLines(files.merges)) merges.push(mergeRecord(row, now));
  const mergedInto = new Map(merges.map((merge) => [merge.from, merge.into]));

  let assign: Assignment[] = [];
  const flushAssign = async () => {
    await store.apply({ ...emptyChanges(), assign });
    summary.assigned += assign.length;
    assign = [];
  };
  for await (const row of jsonLines(files.changedAssignments)) {
    assign.push({ identifier: { type: text(row.id_type), value: text(row.id_value) }, customerId: text(row.customer_id) });
    if (assign.length >= PAGE) await flushAssign();
  }
  if (assign.length > 0) await flushAssign();

  let unassign: Identifier[] = [];
  for await (const row of jsonLines(files.droppedAssignments)) unassign.push({ type: text(row.id_type), value: text(row.id_value) });
  for (let start = 0; start < unassign.length; start += PAGE) await store.apply({ ...emptyChanges(), unassign: unassign.slice(start, start + PAGE) });
  summary.unassigned = unassign.length;
  unassign = [];

  // A survivor inherits the lineage of what it absorbed; the absorbed customers' rows come from the same file.
  const inherited = new Map<string, string[]>();
  for await (const row of jsonLines(files.touchedCustomers)) {
    const into = mergedInto.get(text(row.customer_id));
    if (into !== undefined) inherited.set(into, [...(inherited.get(into) ?? []), text(row.customer_id), ...mergedFromOf(row)]);
  }
  let customers: StoredCustomer[] = [];
  const flushCustomers = async () => {
    await store.apply({ ...emptyChanges(), customers });
    summary.customersWritten += customers.length;
    customers = [];
  };
  // Both files are ordered by customer id: each customer's identifiers are the next run of member rows.
  const members = jsonLines(files.touchedMembers)[Symbol.asyncIterator]();
  let member = await members.next();
  for await (const row of jsonLines(files.touchedCustomers)) {
    const customerId = text(row.customer_id);
    const identities: Identifier[] = [];
    while (!member.done && text(member.value.customer_id) === customerId) {
      identities.push({ type: text(member.value.id_type), value: text(member.value.id_value) });
      member = await members.next();
    }
    customers.push({
      customerId,
      identities,
      seed: { type: text(row.seed_type), value: text(row.seed_value) },
      firstSeen: Number(row.first_seen),
      mergedInto: mergedInto.get(customerId) ?? null,
      mergedFrom: [...new Set([...mergedFromOf(row), ...(inherited.get(customerId) ?? [])])].sort(),
      updatedAt: now,
    });
    if (customers.length >= PAGE) await flushCustomers();
  }
  if (customers.length > 0) await flushCustomers();
  if (!member.done) throw new Error(`identity.stitch: ${files.touchedMembers} is not in the order of ${files.touchedCustomers}`);

  for (let start = 0; start < merges.length; start += PAGE) await store.apply({ ...emptyChanges(), merges: merges.slice(start, start + PAGE) });
  summary.merges = merges.length;
  return summary;
}
