import { closeSync, openSync, writeSync } from 'node:fs';
import * as path from 'node:path';
import { EmbeddedIdentityStore } from '../embedded/embedded-identity-store';
import type { IdentityStore } from '../identity-store.port';
import { settleAll } from '../../shared/settle-all';
import { runEmbeddedStoreChild } from './embedded-store-child';

const FLUSH_CHARS = 1 << 20;

/** Appends JSON lines to a file in large writes. */
export class JsonLinesFile {
  private readonly fd: number;
  private pending = '';
  count = 0;

  constructor(readonly file: string) {
    this.fd = openSync(file, 'w');
  }

  write(value: unknown): void {
    this.pending += `${JSON.stringify(value)}\n`;
    this.count++;
    if (this.pending.length >= FLUSH_CHARS) this.flush();
  }

  private flush(): void {
    if (this.pending.length > 0) writeSync(this.fd, this.pending);
    this.pending = '';
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

export interface PreviousStateFiles {
  assignments: string;
  customers: string;
  separations: string;
  /** The links of the stream's merges no person un-merged (see writeMergeFiles). */
  streamLinks: string;
  /** What each merge brought, by the customer merged (see writeMergeFiles). */
  mergeAnchors: string;
  assignmentCount: number;
  customerCount: number;
}

type AssignmentFiles = Pick<PreviousStateFiles, 'assignments' | 'assignmentCount'>;
type CustomerFiles = Pick<PreviousStateFiles, 'customers' | 'separations' | 'streamLinks' | 'mergeAnchors' | 'customerCount'>;

/**
 * The identity store's current state as JSON-lines files the lake engine joins against: every
 * assignment (the previous run's answer plus what the stream changed since), every customer's age,
 * lineage and version (updatedAt), every separation side, and the links behind the stream's merges.
 * Without a store (tests, a lake-only run) the files are empty and every customer is new.
 *
 * The customers are read before the assignments. The store sync writes a customer only if its
 * version is still the one read here (see syncStore); a writer (the stream) writes a change's
 * assignments before its customer records. So a customer read at a version has all of that
 * version's identifiers among the assignments read after it, and whatever changes after it is
 * read changes its version too.
 *
 * An embedded store is read by two child processes (see runEmbeddedStoreChild), one for the
 * customers and one for the assignments, which starts once the first has its snapshot: each half is
 * about as long as the other, and a daily stitch reads the lake while they run.
 */
export async function exportPreviousState(store: IdentityStore | undefined, dir: string): Promise<PreviousStateFiles> {
  if (store instanceof EmbeddedIdentityStore) {
    let snapshotTaken = () => {};
    const snapshot = new Promise<void>((resolve) => (snapshotTaken = resolve));
    const customers = runEmbeddedStoreChild<CustomerFiles>('export-customers', store.directory, [dir], snapshotTaken);
    // A customers child that fails before its snapshot fails this too, without starting the other.
    const assignments = Promise.race([snapshot, customers]).then(() => runEmbeddedStoreChild<AssignmentFiles>('export-assignments', store.directory, [dir]));
    // Both settle before either's failure propagates: the other child still writes into `dir`.
    const [customerFiles, assignmentFiles] = await settleAll([customers, assignments]);
    return { ...assignmentFiles, ...customerFiles };
  }
  const customerFiles = await exportCustomers(store, dir);
  return { ...(await exportAssignments(store, dir)), ...customerFiles };
}

/** Writes the assignments of `store` into `dir` from this process. */
export async function exportAssignments(store: IdentityStore | undefined, dir: string): Promise<AssignmentFiles> {
  const assignments = new JsonLinesFile(path.join(dir, 'previous-assignments.jsonl'));
  try {
    if (store) {
      for await (const page of store.scanAssignments()) {
        for (const { identifier, customerId } of page) assignments.write({ id_type: identifier.type, id_value: identifier.value, customer_id: customerId });
      }
    }
  } finally {
    assignments.close();
  }
  return { assignments: assignments.file, assignmentCount: assignments.count };
}

/**
 * Writes the customers, separations and stream links of `store` into `dir` from this process.
 * `onSnapshot` runs once the customers are being read from a snapshot (an embedded store's) or, for
 * a store without snapshots, once all of them are read.
 */
export async function exportCustomers(store: IdentityStore | undefined, dir: string, onSnapshot: () => void = () => undefined): Promise<CustomerFiles> {
  const customers = path.join(dir, 'previous-customers.jsonl');
  const customerCount = await writeCustomers(store, customers, onSnapshot);
  // Read before the merges, whose stream links are kept unless a person un-merged them. An un-merge
  // writes its separation before marking its merge undone (identityRowWrites), so a merge read as
  // undone by a person has its separation among these.
  const stored = store ? await store.separations() : [];
  const { streamLinks, mergeAnchors } = await writeMergeFiles(store, dir, new Set(stored.map((separation) => separation.mergeId)));
  const separations = new JsonLinesFile(path.join(dir, 'separations.jsonl'));
  try {
    if (store) {
      for (const [index, separation] of stored.entries()) {
        separation.sides.forEach((side, sideIndex) => {
          // Token 2k + side: the union-find refuses a component holding both tokens of one separation.
          for (const identifier of side) separations.write({ id_type: identifier.type, id_value: identifier.value, token: 2 * index + sideIndex });
        });
      }
    }
  } finally {
    separations.close();
  }
  return { customers, separations: separations.file, streamLinks, mergeAnchors, customerCount };
}

/**
 * From the merge history, in one scan:
 * - stream-links.jsonl: the link that caused each merge the stream made and no person un-merged
 *   (`unmerged`: the merges separations undo), with its record: the batch keeps such a merge while
 *   the lake lacks the record (see GraphTables.pendingLinksSql), instead of splitting the pair again
 *   until the lake catches up. A merge a batch undid (reviving or re-pointing the merged customer)
 *   keeps its link: that batch linked what it linked with it, and the next one must too, or it
 *   splits what the first put together;
 * - merge-anchors.jsonl: what each merge brought, one identifier a line, with the customer merged
 *   and the one it was merged into: a merged-away customer's id must lead to its anchor's holder
 *   (merge-anchor.ts, OutputTables.touchedSql). Its seed may have stayed behind when its id
 *   followed its account.
 */
async function writeMergeFiles(store: IdentityStore | undefined, dir: string, unmerged: ReadonlySet<string>): Promise<{ streamLinks: string; mergeAnchors: string }> {
  const links = new JsonLinesFile(path.join(dir, 'stream-links.jsonl'));
  const anchors = new JsonLinesFile(path.join(dir, 'merge-anchors.jsonl'));
  try {
    if (store) {
      for await (const page of store.scanMerges()) {
        for (const { mergeId, from, into, via, undoneAt, cause, at, identifiers } of page) {
          for (const identifier of identifiers) anchors.write({ customer_id: from, into_id: into, merge_id: mergeId, merged_at: at, unmerged: unmerged.has(mergeId), id_type: identifier.type, id_value: identifier.value });
          if (via !== 'stream' || cause === null || (undoneAt !== null && unmerged.has(mergeId))) continue;
          const [a, b] = cause.link;
          links.write({ source: cause.source, record_id: cause.recordId, merged_at: at, a_type: a.type, a_value: a.value, b_type: b.type, b_value: b.value });
        }
      }
    }
  } finally {
    links.close();
    anchors.close();
  }
  return { streamLinks: links.file, mergeAnchors: anchors.file };
}

/**
 * Every customer of `store` as a JSON line in its stored shape (StoredCustomer's fields; the stitch
 * reads customerId, seed, firstSeen, mergedInto and updatedAt). An embedded store copies its
 * records out as they are, identities included, rather than decoding and encoding them again.
 */
async function writeCustomers(store: IdentityStore | undefined, file: string, onSnapshot: () => void): Promise<number> {
  if (store instanceof EmbeddedIdentityStore) return store.writeCustomerRecords(file, onSnapshot);
  const lines = new JsonLinesFile(file);
  try {
    if (store) {
      for await (const page of store.scanCustomers()) {
        for (const { customerId, seed, firstSeen, mergedInto, updatedAt } of page) lines.write({ customerId, seed, firstSeen, mergedInto, updatedAt });
      }
    }
  } finally {
    lines.close();
  }
  onSnapshot();
  return lines.count;
}
