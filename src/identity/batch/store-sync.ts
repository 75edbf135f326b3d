import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { EmbeddedIdentityStore } from '../embedded/embedded-identity-store';
import { mergeIdNow, pairMerge } from '../merge-id';
import type { Identifier } from '../identifier';
import { emptyChanges, IdentityChangeInterruptedError, IdentityConflictError, IdentityStoreBusyError, type IdentityChanges, type IdentityStore, type MergeRecord } from '../identity-store.port';
import { decodeIdentifiers } from '../stored-records';
import { runEmbeddedStoreChild } from './embedded-store-child';
import { rebaseUnit, type UnitChanges } from './rebase-unit';
import { CompiledRules, type IdentityRules } from '../rules/identity-rules';

/** Rows (assignments, removals, customer records, merges) per apply: units are gathered until they reach it. */
const PAGE = 10_000;

/** What a batch stitch changes, as JSON lines, every file in unit order (see OutputTables.unitsSql). */
export interface StoreSyncFiles {
  changedAssignments: string;
  droppedAssignments: string;
  /** One row per touched customer, ordered by unit and customer id. */
  touchedCustomers: string;
  /** The touched customers' identifiers, one per row, in the customers' order and then as they are listed. */
  touchedMembers: string;
  merges: string;
}

export interface StoreSyncSummary {
  assigned: number;
  unassigned: number;
  customersWritten: number;
  merges: number;
  /** Merges no longer in force (their merged customer revived or re-pointed; see OutputTables.touchedSql), marked undone. */
  undoneMerges: number;
  /**
   * Merged-away customers whose id led to a customer no longer holding their anchor, re-pointed to
   * the one that does (each a merge of its own, not counted in `merges`).
   */
  repointedCustomers: number;
  /**
   * Units another writer (the stream) added to after the stitch read the store, written on what the
   * store holds now, the other writer's identifiers kept (see rebaseUnit).
   */
  rebasedUnits: number;
  /**
   * Units left as the store has them, and their customers: another writer (the stream, an un-merge)
   * changed one of their customers or identifiers after the stitch read the store, other than by
   * adding to it. The next stitch plans them again on what the store holds then.
   */
  deferredUnits: number;
  deferredCustomers: number;
  /**
   * Customers removed from the store: every identifier they held is blocked now (a value added to
   * C360_IDENTITY_BLOCKLIST since), and no merged customer leads to them. One that has absorbed
   * others stays, empty, so their ids still lead somewhere.
   */
  removedCustomers: number;
}

type Row = Record<string, unknown>;

async function* jsonLines(file: string): AsyncIterable<Row> {
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  for await (const line of lines) if (line.trim() !== '') yield JSON.parse(line) as Row;
}

const text = (value: unknown): string => (typeof value === 'string' ? value : String(value));
const identifierOf = (row: Row): Identifier => ({ type: text(row.id_type), value: text(row.id_value) });

function mergedFromOf(row: Row): string[] {
  return Array.isArray(row.merged_from) ? row.merged_from.filter((id): id is string => typeof id === 'string') : [];
}

/**
 * The merge of a re-pointed customer into its anchor's holder (see OutputTables.touchedSql): it
 * holds nothing of its own by now, so the merge brings nothing and has no cause (un-merging it is
 * refused, as for a retirement).
 */
function repointRecord(from: string, into: string, mergeId: string, at: number): MergeRecord {
  return { mergeId, into, from, at, via: 'batch', cause: null, identifiers: [], intoIdentifiers: [], undoneAt: null };
}

function mergeRecord(row: Row, mergeId: string, at: number): MergeRecord {
  const hasCause = typeof row.source === 'string' && typeof row.a_type === 'string' && typeof row.b_type === 'string';
  return {
    mergeId,
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

/** A JSON-lines file in unit order, read one unit's rows at a time. */
class UnitRows {
  private constructor(
    private readonly file: string,
    private readonly rows: AsyncIterator<Row>,
    private head: IteratorResult<Row>,
  ) {}

  static async open(file: string): Promise<UnitRows> {
    const rows = jsonLines(file)[Symbol.asyncIterator]();
    return new UnitRows(file, rows, await rows.next());
  }

  /** The unit of the next row, or undefined at the end. */
  nextUnit(): number | undefined {
    if (this.head.done) return undefined;
    const unit = this.head.value.unit;
    if (typeof unit !== 'number' || !Number.isSafeInteger(unit)) throw new Error(`identity.stitch: a row of ${this.file} has no unit`);
    return unit;
  }

  /** The rows of `unit`; the rows before it must all have been taken. */
  async take(unit: number): Promise<Row[]> {
    const next = this.nextUnit();
    if (next !== undefined && next < unit) this.expectEnd();
    if (next !== unit) return [];
    const rows: Row[] = [];
    while (!this.head.done && this.head.value.unit === unit) {
      rows.push(this.head.value);
      this.head = await this.rows.next();
    }
    return rows;
  }

  /** Throws unless every row was taken: a row left over has a unit no touched customer has. */
  expectEnd(): void {
    if (this.nextUnit() !== undefined) throw new Error(`identity.stitch: ${this.file} has a unit no touched customer has, or is not in unit order`);
  }
}

/**
 * Writes what a batch stitch changed into the identity store. Only changes are written, so a daily
 * run costs what the day changed, not the size of the graph.
 *
 * The stream and un-merges write to the store while a stitch runs. The changes are written in units,
 * each the touched customers that must be written together or not at all (an identifier's previous
 * and new customer, a merge's two; OutputTables.unitsSql), each expecting the store to still hold
 * what the stitch read of them: every touched customer at the version read (updatedAt), every
 * changed identifier with the customer it had. A unit another writer changed since is left as
 * that writer made it, whole, and counted as deferred: the next stitch plans it again. Units are
 * applied many at a time; when such an apply conflicts, its units are tried in halves until the
 * conflicting ones are found.
 */
export async function syncStore(store: IdentityStore, files: StoreSyncFiles, now: number, rules: IdentityRules): Promise<StoreSyncSummary> {
  // An embedded store is written by a child process (see runEmbeddedStoreChild): a first stitch writes all of it.
  if (store instanceof EmbeddedIdentityStore) return runEmbeddedStoreChild<StoreSyncSummary>('sync', store.directory, [JSON.stringify(files), String(now), JSON.stringify(rules)]);
  return syncStoreHere(store, files, now, new CompiledRules(rules));
}

/** The lists of a change, to push into. */
interface ChangeLists extends UnitChanges {
  /** Customers re-pointed to their anchor's holder: counted, not written (their records and merges are). */
  repointed: string[];
}

type Offsets = { [List in keyof ChangeLists]: number };

/**
 * Units gathered into one change. Each unit's rows are pushed onto the page's lists, and where it
 * ends in each is kept, so a page that conflicts can be split into units again (see applyUnits).
 */
class UnitPage {
  readonly lists: ChangeLists = { assign: [], unassign: [], customers: [], removeCustomers: [], merges: [], expected: [], expectedCustomers: [], repointed: [] };
  /** Where each unit ends in each list. */
  private readonly ends: Offsets[] = [];

  get units(): number {
    return this.ends.length;
  }

  /** Rows written: assignments, removals, customer records and merges. */
  get rows(): number {
    const { assign, unassign, customers, removeCustomers, merges } = this.lists;
    return assign.length + unassign.length + customers.length + removeCustomers.length + merges.length;
  }

  /** Closes the unit whose rows were pushed since the last call. */
  endUnit(): void {
    this.ends.push(this.offsets((list) => this.lists[list].length));
  }

  /** The change of units `from` up to `to`. */
  changes(from: number, to: number): ChangeLists {
    const start = from === 0 ? this.offsets(() => 0) : this.ends[from - 1];
    const end = this.ends[to - 1];
    const slice = <List extends keyof ChangeLists>(list: List): ChangeLists[List] => this.lists[list].slice(start[list], end[list]) as ChangeLists[List];
    return {
      assign: slice('assign'),
      unassign: slice('unassign'),
      customers: slice('customers'),
      removeCustomers: slice('removeCustomers'),
      merges: slice('merges'),
      expected: slice('expected'),
      expectedCustomers: slice('expectedCustomers'),
      repointed: slice('repointed'),
    };
  }

  private offsets(at: (list: keyof ChangeLists) => number): Offsets {
    const lists = Object.keys(this.lists) as Array<keyof ChangeLists>;
    return Object.fromEntries(lists.map((list) => [list, at(list)])) as Offsets;
  }
}

/** syncStore from this process. */
export async function syncStoreHere(store: IdentityStore, files: StoreSyncFiles, now: number, rules: CompiledRules): Promise<StoreSyncSummary> {
  const summary: StoreSyncSummary = {
    assigned: 0,
    unassigned: 0,
    customersWritten: 0,
    merges: 0,
    undoneMerges: 0,
    repointedCustomers: 0,
    rebasedUnits: 0,
    deferredUnits: 0,
    deferredCustomers: 0,
    removedCustomers: 0,
  };
  // One page is written while the next is read: a write mostly waits (an embedded store's commit
  // syncs the disk, Cassandra answers over the network), reading and parsing the files does not.
  // Pages never share a customer (a unit is whole in one page), so reading ahead reads nothing the
  // write in flight changes. At most one write is in flight; a failed read waits for it to settle.
  let writing: Promise<void> = Promise.resolve();
  try {
    for await (const page of unitPages(store, files, now)) {
      await writing;
      writing = applyUnits(store, page, 0, page.units, summary, now, rules);
      // Awaited before the next page is written or at the end; until then its failure is not unhandled.
      writing.catch(() => undefined);
    }
  } catch (error) {
    await writing.catch(() => undefined);
    throw error;
  }
  await writing;
  return summary;
}

/** The change files' units, gathered into pages of about PAGE rows; the last page may be empty. */
async function* unitPages(store: IdentityStore, files: StoreSyncFiles, now: number): AsyncGenerator<UnitPage> {
  const [customers, changed, dropped, merges] = await Promise.all([files.touchedCustomers, files.changedAssignments, files.droppedAssignments, files.merges].map((file) => UnitRows.open(file)));
  // Both files are in the same order: each customer's identifiers are the next run of member rows.
  const members = jsonLines(files.touchedMembers)[Symbol.asyncIterator]();
  let member = await members.next();
  let page = new UnitPage();
  for (let unit = customers.nextUnit(); unit !== undefined; unit = customers.nextUnit()) {
    const { lists } = page;
    const customerRows = await customers.take(unit);
    for (const row of await changed.take(unit)) {
      const identifier = identifierOf(row);
      lists.assign.push({ identifier, customerId: text(row.customer_id) });
      lists.expected.push({ identifier, customerId: typeof row.expected_customer_id === 'string' ? row.expected_customer_id : null });
    }
    for (const row of await dropped.take(unit)) {
      const identifier = identifierOf(row);
      lists.unassign.push(identifier);
      lists.expected.push({ identifier, customerId: text(row.customer_id) });
    }
    for (const row of await merges.take(unit)) lists.merges.push(mergeRecord(row, await mergeIdNow(store, text(row.from_id), text(row.into_id)), now));
    // A customer whose id led elsewhere until now (revived, or re-pointed to its anchor's holder; see
    // OutputTables.touchedSql): that merge is undone, and a re-pointed one is merged into the holder.
    for (const row of customerRows) {
      const customerId = text(row.customer_id);
      if (typeof row.undo_into === 'string') {
        const { inForce } = await pairMerge(store, customerId, row.undo_into);
        if (inForce) lists.merges.push({ ...inForce, undoneAt: now });
      }
      if (typeof row.repointed_into === 'string') {
        lists.merges.push(repointRecord(customerId, row.repointed_into, await mergeIdNow(store, customerId, row.repointed_into), now));
        lists.repointed.push(customerId);
      }
    }
    for (const row of customerRows) {
      const customerId = text(row.customer_id);
      const version = typeof row.expected_updated_at === 'number' ? row.expected_updated_at : null;
      const identities: Identifier[] = [];
      while (!member.done && text(member.value.customer_id) === customerId) {
        identities.push(identifierOf(member.value));
        member = await members.next();
      }
      const mergedInto = typeof row.merged_into === 'string' ? row.merged_into : null;
      const mergedFrom = mergedFromOf(row);
      lists.expectedCustomers.push({ customerId, updatedAt: version });
      // Live, holding nothing and leading no merged id anywhere: every identifier it had is blocked now.
      if (identities.length === 0 && mergedInto === null && mergedFrom.length === 0 && version !== null) {
        lists.removeCustomers.push(customerId);
        continue;
      }
      lists.customers.push({
        customerId,
        identities,
        seed: { type: text(row.seed_type), value: text(row.seed_value) },
        firstSeen: Number(row.first_seen),
        mergedInto,
        mergedFrom,
        // A version above the one read, as the stream's and un-merge's: a writer that read the old one must plan again.
        updatedAt: Math.max(now, (version ?? 0) + 1),
      });
    }
    page.endUnit();
    if (page.rows >= PAGE) {
      yield page;
      page = new UnitPage();
    }
  }
  yield page;
  for (const rows of [changed, dropped, merges]) rows.expectEnd();
  if (!member.done) throw new Error(`identity.stitch: ${files.touchedMembers} is not in the order of ${files.touchedCustomers}`);
}

/**
 * Applies units `from` up to `to` of the page in one change; when another writer changed what one of
 * them expects, in halves. A unit that conflicts alone is written on what the store holds now if the
 * other writer only added to it (rebaseUnit), else deferred.
 */
async function applyUnits(store: IdentityStore, page: UnitPage, from: number, to: number, summary: StoreSyncSummary, now: number, rules: CompiledRules): Promise<void> {
  if (to <= from) return;
  const { repointed, ...written } = from === 0 && to === page.units ? page.lists : page.changes(from, to);
  if (await appliedWithoutConflict(store, written)) {
    count(summary, written, repointed.length);
    return;
  }
  if (to - from === 1) {
    const rebased = await rebaseUnit(store, written, now, rules);
    if (rebased && (await appliedWithoutConflict(store, rebased))) {
      count(summary, rebased, repointed.length);
      summary.rebasedUnits += 1;
      return;
    }
    summary.deferredUnits += 1;
    summary.deferredCustomers += written.customers.length;
    return;
  }
  const half = from + Math.ceil((to - from) / 2);
  await applyUnits(store, page, from, half, summary, now, rules);
  await applyUnits(store, page, half, to, summary, now, rules);
}

/** Applies the change, or says another writer changed what it expects (nothing was applied). */
async function appliedWithoutConflict(store: IdentityStore, changes: UnitChanges): Promise<boolean> {
  try {
    await applyWhenFree(store, { ...emptyChanges(), ...changes, bulk: true });
    return true;
  } catch (error) {
    if (error instanceof IdentityConflictError) return false;
    throw error;
  }
}

function count(summary: StoreSyncSummary, changes: UnitChanges, repointed: number): void {
  summary.assigned += changes.assign.length;
  summary.unassigned += changes.unassign.length;
  summary.customersWritten += changes.customers.length;
  summary.removedCustomers += changes.removeCustomers.length;
  const undone = changes.merges.filter((merge) => merge.undoneAt !== null).length;
  summary.merges += changes.merges.length - undone - repointed;
  summary.undoneMerges += undone;
  summary.repointedCustomers += repointed;
}

/**
 * How long a page waits, in all, for writers that keep the store busy (IdentityStoreBusyError):
 * longer than the Cassandra lease lives, so a lease a crashed writer left lapses first.
 */
const BUSY_RETRY_MS = 120_000;

/**
 * store.apply, tried again while another writer keeps the store busy: a stitch that ran for an hour
 * should not fail on a stuck stream writer's lease. A change interrupted midway is the store's to
 * finish (its next writer, this sync's next page at the latest, writes the rest first): trying it
 * again would only conflict with its own writes.
 */
async function applyWhenFree(store: IdentityStore, changes: IdentityChanges): Promise<void> {
  const started = Date.now();
  for (let attempt = 0; ; attempt++) {
    try {
      return await store.apply(changes);
    } catch (error) {
      if (error instanceof IdentityChangeInterruptedError) return;
      if (!(error instanceof IdentityStoreBusyError) || Date.now() - started >= BUSY_RETRY_MS) throw error;
      await sleep(Math.min(5_000, 250 * 2 ** attempt));
    }
  }
}
