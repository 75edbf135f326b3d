import type { Identifier } from './identifier';

/** A customer as the identity store keeps it (a storage record, not the GraphQL model). */
export interface StoredCustomer {
  customerId: string;
  /** Its identifiers, strongest type first; empty once merged away. */
  identities: Identifier[];
  /** The earliest identifier it was created from and when that was first seen (epoch ms): its age. */
  seed: Identifier;
  firstSeen: number;
  /** Set when the customer was merged into another; lookups follow it to the survivor. */
  mergedInto: string | null;
  /** Every customer merged into this one, directly or through others. */
  mergedFrom: string[];
  /** Epoch ms of the last change. */
  updatedAt: number;
}

/** What made a merge happen: the record (and the link in it) whose identifiers joined the two customers. */
export interface MergeCause {
  source: string;
  recordId: string;
  /** Epoch ms of the record, when known. */
  time: number | null;
  link: [Identifier, Identifier];
}

/** One merge of customer `from` into customer `into`, kept for audit and for un-merging. */
export interface MergeRecord {
  mergeId: string;
  into: string;
  from: string;
  /** Epoch ms the merge was recorded. */
  at: number;
  /** Who merged: the batch stitch, the stream (one identify/alias at a time), or a person. */
  via: 'batch' | 'stream' | 'manual';
  cause: MergeCause | null;
  /** The identifiers `from` held when it was merged: what an un-merge gives back. */
  identifiers: Identifier[];
  /**
   * The identifiers `into` held just before: what an un-merge keeps apart from `identifiers`.
   * Absent on merges recorded before it was kept; an un-merge then keeps everything the survivor holds apart.
   */
  intoIdentifiers?: Identifier[];
  /** Epoch ms of the un-merge that reversed it, if any. */
  undoneAt: number | null;
}

/** An un-merge's lasting effect: identifiers of one side never again join a customer with the other's. */
export interface Separation {
  separationId: string;
  mergeId: string;
  at: number;
  sides: [Identifier[], Identifier[]];
}

/** Identifier → customer id; what `lookup` answers and `scanAssignments` streams. */
export interface Assignment {
  identifier: Identifier;
  customerId: string;
}

/**
 * One atomic (embedded) or idempotent (Cassandra) unit of change. Removals apply before writes, so
 * an identifier or customer in both ends up written. `expected` and `expectedCustomers` make it
 * optimistic: the change is refused, whole, when an assignment or a customer record it was planned
 * on has changed since it was read (a customer by its `updatedAt`; null: must not exist yet).
 */
export interface IdentityChanges {
  assign: readonly Assignment[];
  unassign: readonly Identifier[];
  customers: readonly StoredCustomer[];
  removeCustomers: readonly string[];
  merges: readonly MergeRecord[];
  separations: readonly Separation[];
  expected?: ReadonlyArray<{ identifier: Identifier; customerId: string | null }>;
  expectedCustomers?: ReadonlyArray<{ customerId: string; updatedAt: number | null }>;
  /** One page of a bulk writer (the batch sync): a store that lets one writer in at a time gives others a turn after it. */
  bulk?: boolean;
}

/** The identity graph's persistent state: identifier → customer, customer → identifiers, merges. */
export interface IdentityStore {
  /** The customer of each identifier found, keyed by identifierKey(). */
  lookup(identifiers: readonly Identifier[]): Promise<Map<string, string>>;
  /** The customers found, active or merged away, keyed by id. */
  customers(customerIds: readonly string[]): Promise<Map<string, StoredCustomer>>;
  /** Merges the customer took part in (either side), oldest first (mergeOrder), each once. */
  mergesOf(customerId: string): Promise<MergeRecord[]>;
  /** One merge by id, or undefined. */
  merge(mergeId: string): Promise<MergeRecord | undefined>;
  /** Every separation (un-merges are rare, so this stays small). */
  separations(): Promise<Separation[]>;
  /** Applies the changes; throws IdentityConflictError (and applies nothing) when an expectation no longer holds. */
  apply(changes: IdentityChanges): Promise<void>;
  /** Every assignment, in pages of at most `pageSize`. */
  scanAssignments(pageSize?: number): AsyncIterable<Assignment[]>;
  /** Every customer record (merged-away ones too), in pages. */
  scanCustomers(pageSize?: number): AsyncIterable<StoredCustomer[]>;
  /** Every merge record (undone ones too), in pages, in no particular order. */
  scanMerges(pageSize?: number): AsyncIterable<MergeRecord[]>;
  /** Finishes in-flight work and releases the engine. */
  close(): Promise<void>;
}

/** Another writer changed an assignment or a customer between planning and applying; plan again. */
export class IdentityConflictError extends Error {
  constructor(readonly conflict: { identifier: Identifier } | { customerId: string }) {
    // The identifier's type only: its value may be personal data, and messages end up in logs.
    super(`identity store: ${'identifier' in conflict ? `the assignment of a ${conflict.identifier.type}` : `customer ${conflict.customerId}`} changed concurrently; plan the change again`);
    this.name = 'IdentityConflictError';
  }
}

/** Another writer held the store longer than this one waits; nothing was applied, and the same change may be tried again. */
export class IdentityStoreBusyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IdentityStoreBusyError';
  }
}

/**
 * The store stopped writing a change midway (it lost its write lease, or a write failed) after
 * recording it to be finished: the store's next writer writes the rest first. Do not plan it again.
 */
export class IdentityChangeInterruptedError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'IdentityChangeInterruptedError';
  }
}

export function emptyChanges(): IdentityChanges {
  return { assign: [], unassign: [], customers: [], removeCustomers: [], merges: [], separations: [] };
}

/**
 * The order merge histories come in: by time, then id. A merge re-recorded at another time (by a
 * later run) takes its place by the time it has now.
 */
export function mergeOrder(a: MergeRecord, b: MergeRecord): number {
  return a.at - b.at || (a.mergeId < b.mergeId ? -1 : a.mergeId > b.mergeId ? 1 : 0);
}
