import type { Identifier } from '../identifier';
import { mergeOrder, type IdentityStore, type MergeRecord, type StoredCustomer } from '../identity-store.port';
import type { CompiledRules } from '../rules/identity-rules';
import { normalizeIdentifier } from '../identifier-normalization';

// A merged-away customer points to its survivor; a longer chain than this is a loop in damaged data.
const MAX_CHAIN = 32;

/**
 * Customers as the API reads them: an id of a customer since merged away answers with the customer
 * it lives on in (its survivor), an identifier answers with its customer. Plain reads of the
 * identity store, batched: one store call for any number of ids, one more per level of merges
 * that had to be followed.
 */
export class CustomerDirectory {
  constructor(
    private readonly store: IdentityStore,
    private readonly rules: CompiledRules,
  ) {}

  /** The live customer of each requested id (itself, or its survivor), keyed by the requested id; unknown ids are absent. */
  async customers(customerIds: readonly string[]): Promise<Map<string, StoredCustomer>> {
    const known = new Map<string, StoredCustomer>();
    let wanted = [...new Set(customerIds)];
    for (let depth = 0; wanted.length > 0 && depth < MAX_CHAIN; depth++) {
      const found = await this.store.customers(wanted);
      for (const [customerId, customer] of found) known.set(customerId, customer);
      wanted = [...found.values()].flatMap((customer) => (customer.mergedInto !== null && !known.has(customer.mergedInto) ? [customer.mergedInto] : []));
      wanted = [...new Set(wanted)];
    }
    const live = new Map<string, StoredCustomer>();
    for (const requested of customerIds) {
      let customer = known.get(requested);
      for (let depth = 0; customer && customer.mergedInto !== null && depth < MAX_CHAIN; depth++) customer = known.get(customer.mergedInto);
      if (customer && customer.mergedInto === null) live.set(requested, customer);
    }
    return live;
  }

  /** The identifier types records carry, built-in and configured: the ones a lookup may name. */
  get identifierTypes(): readonly string[] {
    return this.rules.types;
  }

  /** The identifier as stitching stores it, or null when it is junk or malformed. */
  normalize(identifier: Identifier): Identifier | null {
    const value = normalizeIdentifier(identifier.type, identifier.value, this.rules.blocklist);
    return value === null ? null : { type: identifier.type, value };
  }

  /** The live customer of each normalized identifier that has one, keyed by identifierKey(): one lookup, then one read per level of merges followed. */
  async customersOf(identifiers: readonly Identifier[]): Promise<Map<string, StoredCustomer>> {
    const assigned = await this.store.lookup(identifiers);
    const live = await this.customers([...new Set(assigned.values())]);
    const found = new Map<string, StoredCustomer>();
    for (const [key, customerId] of assigned) {
      const customer = live.get(customerId);
      if (customer) found.set(key, customer);
    }
    return found;
  }

  /**
   * Each customer's merge history: the merges it and every customer in its lineage took part in
   * (un-done ones too, marked), each once, oldest first.
   */
  async mergeHistories(customers: readonly StoredCustomer[]): Promise<Map<string, MergeRecord[]>> {
    const ids = [...new Set(customers.flatMap((customer) => [customer.customerId, ...customer.mergedFrom]))];
    const histories = await Promise.all(ids.map((customerId) => this.store.mergesOf(customerId)));
    const byCustomer = new Map(ids.map((customerId, index) => [customerId, histories[index] as MergeRecord[]]));
    return new Map(
      customers.map((customer) => {
        const merges = new Map<string, MergeRecord>();
        for (const customerId of [customer.customerId, ...customer.mergedFrom]) for (const merge of byCustomer.get(customerId) ?? []) merges.set(merge.mergeId, merge);
        return [customer.customerId, [...merges.values()].sort(mergeOrder)];
      }),
    );
  }
}
