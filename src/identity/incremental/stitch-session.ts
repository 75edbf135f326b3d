import { customerIdFor } from '../customer-id';
import { LinkOutcome } from '../graph/constrained-union-find';
import { identifierKey, type Identifier } from '../identifier';
import type { IdentityChanges, IdentityStore, MergeRecord, StoredCustomer } from '../identity-store.port';
import { mergeIdNow } from '../merge-id';
import { compareSeeds } from '../rules/seed';
import { compareText, type CompiledRules } from '../rules/identity-rules';
import type { NormalizedRecord } from './identity-record';
import { joinOutcome, SeparationIndex } from './join-rules';

export interface StitchSessionOptions {
  /** What the merge history says merged: the stream (default) or a person. */
  via: MergeRecord['via'];
  now: () => number;
}

/** What one record did. */
export interface RecordOutcome {
  /** The customer of each of the record's identifiers afterwards, keyed by identifierKey(). */
  customerOf: Map<string, string>;
  /** Customers merged by this record, in the order they merged. */
  merges: MergeRecord[];
  /** Links the rules refused: the pair and why (CAPPED, INDIRECT or SEPARATED). */
  refused: Array<{ link: [Identifier, Identifier]; outcome: LinkOutcome }>;
}

interface WorkingCustomer {
  record: StoredCustomer;
  /** updatedAt as loaded; null for a customer the store does not have yet. */
  loadedUpdatedAt: number | null;
  changed: boolean;
}

/** Identifiers of one record not yet anyone's, joined together while the record is linked. */
interface LooseGroup {
  members: Identifier[];
}

// Merged-away customers point to their survivor; a longer chain than this is a loop in damaged data.
const MAX_CHAIN = 32;

/**
 * Incremental stitching over a working set read from the identity store: records are linked one
 * at a time, exactly as batch stitching links them (anchor to each other identifier, with the
 * rules of ConstrainedUnionFind), and what changed becomes one IdentityChanges whose expectations
 * make applying it refuse if another writer got there first. Nothing is written here.
 *
 * Ids follow batch stitching's: a record's identifiers that are nobody's yet join the customer they
 * link to, or become a new customer named after its seed; when two customers join, the older
 * (earlier seed) keeps its id and the other is recorded as merged into it.
 */
export class StitchSession {
  /** identifierKey → customer id now, as far as loaded (null: nobody's). */
  private readonly assignment = new Map<string, string | null>();
  /** identifierKey → customer id as read, for the expectations. */
  private readonly loaded = new Map<string, string | null>();
  private readonly identifiers = new Map<string, Identifier>();
  private readonly customers = new Map<string, WorkingCustomer>();
  /** Customer ids the store was asked about and does not have. */
  private readonly absent = new Set<string>();
  private readonly merges: MergeRecord[] = [];
  private separations: SeparationIndex | undefined;

  private constructor(
    private readonly store: IdentityStore,
    private readonly rules: CompiledRules,
    private readonly options: StitchSessionOptions,
  ) {}

  /**
   * A session with what `records` will need read in two round trips (more only for merges and
   * lineage): every identifier's customer id, and the records of the customers a link may change.
   * A record whose identifiers all belong to one customer already (most events of a known customer)
   * needs no customer record at all.
   */
  static async open(store: IdentityStore, rules: CompiledRules, records: readonly NormalizedRecord[], options: StitchSessionOptions): Promise<StitchSession> {
    const session = new StitchSession(store, rules, options);
    await session.lookup(records.flatMap((record) => record.identifiers));
    await session.loadCustomersOf(records.filter((record) => !session.settled(record)).flatMap((record) => record.identifiers));
    return session;
  }

  /** Links the record's identifiers (anchor first), merging or refusing as the rules say. */
  async add(record: NormalizedRecord): Promise<RecordOutcome> {
    const outcome: RecordOutcome = { customerOf: new Map(), merges: [], refused: [] };
    const [anchor, ...others] = record.identifiers;
    if (anchor === undefined) return outcome;
    await this.lookup(record.identifiers);
    if (this.settled(record)) {
      for (const identifier of record.identifiers) outcome.customerOf.set(identifierKey(identifier), this.currentId(identifier) as string);
      return outcome;
    }
    await this.loadCustomersOf(record.identifiers);
    const groups = new Map<string, LooseGroup>();
    const componentOf = (identifier: Identifier): WorkingCustomer | LooseGroup => {
      const customer = this.customerOf(identifier);
      if (customer) return customer;
      const key = identifierKey(identifier);
      let group = groups.get(key);
      if (!group) groups.set(key, (group = { members: [identifier] }));
      return group;
    };
    // A record of one identifier makes no link, but still makes its identifier someone's.
    componentOf(anchor);
    for (const other of others) {
      const left = componentOf(anchor);
      const right = componentOf(other);
      if (left === right) continue;
      const leftMembers = 'record' in left ? left.record.identities : left.members;
      const rightMembers = 'record' in right ? right.record.identities : right.members;
      // Only customers hold the sides of an un-merge, and not only stored ones: a customer new in this
      // session absorbs a stored one when its seed is older (a late event), and holds its side since.
      const bothCustomers = 'record' in left && 'record' in right;
      if (bothCustomers) this.separations ??= new SeparationIndex(await this.store.separations());
      const result = joinOutcome(anchor, other, leftMembers, rightMembers, this.rules, bothCustomers ? this.separations : undefined);
      if (result !== LinkOutcome.LINKED) {
        outcome.refused.push({ link: [anchor, other], outcome: result });
        continue;
      }
      if ('record' in left && 'record' in right) {
        const merge = await this.mergeCustomers(left, right, record, [anchor, other]);
        outcome.merges.push(merge);
      } else if ('record' in left) this.adopt(left, right as LooseGroup, groups);
      else if ('record' in right) this.adopt(right, left, groups);
      else {
        left.members.push(...right.members);
        for (const member of right.members) groups.set(identifierKey(member), left);
      }
    }
    for (const group of new Set(groups.values())) await this.createCustomer(group.members, record);
    for (const identifier of record.identifiers) {
      const customer = this.customerOf(identifier);
      if (customer) outcome.customerOf.set(identifierKey(identifier), customer.record.customerId);
    }
    return outcome;
  }

  /** The id of the customer an identifier belongs to now, following merges as far as loaded; null if nobody's. */
  private currentId(identifier: Identifier): string | null {
    let customerId = this.assignment.get(identifierKey(identifier)) ?? null;
    for (let depth = 0; customerId !== null && depth < MAX_CHAIN; depth++) {
      const next = this.customers.get(customerId)?.record.mergedInto ?? null;
      if (next === null) break;
      customerId = next;
    }
    return customerId;
  }

  /** Whether the record's identifiers all belong to one customer already: linking them changes nothing. */
  private settled(record: NormalizedRecord): boolean {
    const [anchor] = record.identifiers;
    const customerId = anchor === undefined ? null : this.currentId(anchor);
    return customerId !== null && record.identifiers.every((identifier) => this.currentId(identifier) === customerId);
  }

  /** The customer an identifier belongs to now (following merges), if it is anyone's and loaded. */
  private customerOf(identifier: Identifier): WorkingCustomer | undefined {
    let customerId = this.assignment.get(identifierKey(identifier)) ?? null;
    for (let depth = 0; customerId !== null && depth < MAX_CHAIN; depth++) {
      const customer = this.customers.get(customerId);
      if (!customer) return undefined;
      if (customer.record.mergedInto === null) return customer;
      customerId = customer.record.mergedInto;
    }
    return undefined;
  }

  /** Everything the records changed, with the expectations it was planned on; empty when nothing changed. */
  changes(): IdentityChanges {
    const now = this.options.now();
    const assign: IdentityChanges['assign'][number][] = [];
    const expected: NonNullable<IdentityChanges['expected']>[number][] = [];
    for (const [key, customerId] of this.assignment) {
      const before = this.loaded.get(key) ?? null;
      if (customerId === null || customerId === before) continue;
      const identifier = this.identifiers.get(key) as Identifier;
      assign.push({ identifier, customerId });
      expected.push({ identifier, customerId: before });
    }
    const changed = [...this.customers.values()].filter((customer) => customer.changed);
    return {
      assign,
      unassign: [],
      customers: changed.map(({ record, loadedUpdatedAt }) => ({ ...record, updatedAt: Math.max(now, (loadedUpdatedAt ?? 0) + 1) })),
      removeCustomers: [],
      merges: this.merges,
      separations: [],
      expected,
      expectedCustomers: changed.map(({ record, loadedUpdatedAt }) => ({ customerId: record.customerId, updatedAt: loadedUpdatedAt })),
    };
  }

  /** Reads the assignments of identifiers not read yet. */
  private async lookup(identifiers: readonly Identifier[]): Promise<void> {
    const wanted = new Map<string, Identifier>();
    for (const identifier of identifiers) {
      const key = identifierKey(identifier);
      if (!this.loaded.has(key)) wanted.set(key, identifier);
    }
    if (wanted.size === 0) return;
    const found = await this.store.lookup([...wanted.values()]);
    for (const [key, identifier] of wanted) this.remember(identifier, found.get(key) ?? null);
  }

  /** Reads the customers of (looked-up) identifiers, and for those nobody has, the id a customer they seed would take. */
  private async loadCustomersOf(identifiers: readonly Identifier[]): Promise<void> {
    const customerIds = new Set<string>();
    for (const identifier of identifiers) customerIds.add(this.assignment.get(identifierKey(identifier)) ?? customerIdFor(identifier, this.rules.rules.idSalt));
    await this.loadCustomers(customerIds);
    // Assigned to a customer the store lacks (a write half done): rebuild what is known of it.
    for (const identifier of identifiers) {
      const customerId = this.assignment.get(identifierKey(identifier));
      if (customerId && this.absent.has(customerId)) this.placeholder(customerId, identifier);
    }
  }

  private remember(identifier: Identifier, customerId: string | null): void {
    const key = identifierKey(identifier);
    this.identifiers.set(key, identifier);
    this.loaded.set(key, customerId);
    this.assignment.set(key, customerId);
  }

  /** Reads the customers (and the survivors they were merged into) not read yet. */
  private async loadCustomers(customerIds: Iterable<string>): Promise<void> {
    let pending = [...customerIds].filter((id) => !this.customers.has(id) && !this.absent.has(id));
    for (let depth = 0; pending.length > 0 && depth < MAX_CHAIN; depth++) {
      const found = await this.store.customers(pending);
      const next: string[] = [];
      for (const customerId of pending) {
        const record = found.get(customerId);
        if (!record) {
          this.absent.add(customerId);
          continue;
        }
        this.customers.set(customerId, { record: { ...record, identities: [...record.identities], mergedFrom: [...record.mergedFrom] }, loadedUpdatedAt: record.updatedAt, changed: false });
        if (record.mergedInto !== null && !this.customers.has(record.mergedInto) && !this.absent.has(record.mergedInto)) next.push(record.mergedInto);
      }
      pending = next;
    }
  }

  private placeholder(customerId: string, identifier: Identifier): void {
    const existing = this.customers.get(customerId);
    if (existing) {
      if (!existing.record.identities.some((held) => identifierKey(held) === identifierKey(identifier))) existing.record.identities = this.sorted([...existing.record.identities, identifier]);
      return;
    }
    const firstSeen = this.options.now();
    this.absent.delete(customerId);
    this.customers.set(customerId, {
      record: { customerId, identities: [identifier], seed: identifier, firstSeen, mergedInto: null, mergedFrom: [], updatedAt: 0 },
      loadedUpdatedAt: null,
      changed: true,
    });
  }

  private sorted(identifiers: Identifier[]): Identifier[] {
    return identifiers.sort((a, b) => this.rules.compare(a, b));
  }

  private adopt(customer: WorkingCustomer, group: LooseGroup, groups: Map<string, LooseGroup>): void {
    customer.record.identities = this.sorted([...customer.record.identities, ...group.members]);
    customer.changed = true;
    for (const member of group.members) {
      this.assignment.set(identifierKey(member), customer.record.customerId);
      groups.delete(identifierKey(member));
    }
  }

  private async createCustomer(members: Identifier[], record: NormalizedRecord): Promise<void> {
    const seed = [...members].sort((a, b) => this.rules.compare(a, b))[0] as Identifier;
    let customerId = customerIdFor(seed, this.rules.rules.idSalt);
    for (let attempt = 1; ; attempt++) {
      await this.loadCustomers([customerId]);
      if (!this.customers.has(customerId)) break;
      customerId = customerIdFor(seed, this.rules.rules.idSalt, attempt);
    }
    const firstSeen = Number.isFinite(record.time) ? record.time : this.options.now();
    this.customers.set(customerId, {
      record: { customerId, identities: this.sorted([...members]), seed, firstSeen, mergedInto: null, mergedFrom: [], updatedAt: 0 },
      loadedUpdatedAt: null,
      changed: true,
    });
    for (const member of members) this.assignment.set(identifierKey(member), customerId);
  }

  private older(a: WorkingCustomer, b: WorkingCustomer): [WorkingCustomer, WorkingCustomer] {
    const order =
      compareSeeds(this.rules, { ...a.record.seed, firstSeen: a.record.firstSeen }, { ...b.record.seed, firstSeen: b.record.firstSeen }) ||
      compareText(a.record.customerId, b.record.customerId);
    return order <= 0 ? [a, b] : [b, a];
  }

  private async mergeCustomers(a: WorkingCustomer, b: WorkingCustomer, record: NormalizedRecord, link: [Identifier, Identifier]): Promise<MergeRecord> {
    const [survivor, absorbed] = this.older(a, b);
    // The absorbed customer's record lists its identifiers; move those still assigned to it.
    await this.lookup(absorbed.record.identities);
    const absorbedIds = new Set([absorbed.record.customerId]);
    const moved = absorbed.record.identities.filter((identifier) => {
      const current = this.assignment.get(identifierKey(identifier)) ?? null;
      return current === null || absorbedIds.has(current) || this.customerOf(identifier) === absorbed;
    });
    for (const identifier of moved) this.assignment.set(identifierKey(identifier), survivor.record.customerId);
    const held = survivor.record.identities;
    survivor.record.identities = this.sorted([...held, ...moved]);
    survivor.record.mergedFrom = [...new Set([...survivor.record.mergedFrom, absorbed.record.customerId, ...absorbed.record.mergedFrom])].sort(compareText);
    absorbed.record.identities = [];
    absorbed.record.mergedInto = survivor.record.customerId;
    survivor.changed = true;
    absorbed.changed = true;
    const merge: MergeRecord = {
      mergeId: await mergeIdNow(this.store, absorbed.record.customerId, survivor.record.customerId),
      into: survivor.record.customerId,
      from: absorbed.record.customerId,
      at: this.options.now(),
      via: this.options.via,
      cause: { source: record.source, recordId: record.recordId, time: Number.isFinite(record.time) ? record.time : null, link },
      identifiers: moved,
      intoIdentifiers: held,
      undoneAt: null,
    };
    this.merges.push(merge);
    return merge;
  }
}
