import { identifierKey, type Identifier } from '../identifier';
import type { Assignment, IdentityStore, MergeRecord, StoredCustomer } from '../identity-store.port';

/** One unit of a batch stitch's store changes, with what it expects the store to hold (see syncStore). */
export interface UnitChanges {
  assign: Assignment[];
  unassign: Identifier[];
  customers: StoredCustomer[];
  merges: MergeRecord[];
  expected: Array<{ identifier: Identifier; customerId: string | null }>;
  expectedCustomers: Array<{ customerId: string; updatedAt: number | null }>;
}

const sameMembers = (a: readonly string[], b: readonly string[]) => a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');

/**
 * The unit again, on what the store holds now, when what another writer changed since the stitch
 * read the store only adds to it: the stream gave one of the unit's live customers identifiers the
 * stitch never saw, or made an assignment the unit makes too. Those customers are written with the
 * stream's identifiers kept, expecting the versions the store has now. Without this, a customer the
 * stream changes during every stitch (an active one) would be deferred by every stitch.
 *
 * Undefined when the change is anything else (the stream moved or merged one of the unit's
 * customers or identifiers, an un-merge took identifiers back, a unit that merges or revives):
 * the unit is deferred, as before, and the next stitch plans it on what the store holds then.
 */
export async function rebaseUnit(store: IdentityStore, unit: UnitChanges, now: number): Promise<UnitChanges | undefined> {
  if (unit.merges.length > 0 || unit.unassign.length > 0) return undefined;
  const planned = new Map(unit.assign.map((assignment) => [identifierKey(assignment.identifier), assignment.customerId]));
  const assigned = await store.lookup(unit.expected.map((entry) => entry.identifier));
  const expected: UnitChanges['expected'] = [];
  for (const entry of unit.expected) {
    const key = identifierKey(entry.identifier);
    const holder = assigned.get(key) ?? null;
    // Moved since it was read: only where the other writer gave it the customer this unit gives it.
    if (holder !== entry.customerId && holder !== planned.get(key)) return undefined;
    expected.push({ identifier: entry.identifier, customerId: holder });
  }

  const read = new Map(unit.expectedCustomers.map((entry) => [entry.customerId, entry.updatedAt]));
  const current = await store.customers(unit.customers.map((customer) => customer.customerId));
  const customers: StoredCustomer[] = [];
  const expectedCustomers: UnitChanges['expectedCustomers'] = [];
  for (const customer of unit.customers) {
    const stored = current.get(customer.customerId);
    const version = read.get(customer.customerId) ?? null;
    if ((stored?.updatedAt ?? null) === version) {
      customers.push(customer);
      expectedCustomers.push({ customerId: customer.customerId, updatedAt: version });
      continue;
    }
    if (!stored || version === null || stored.mergedInto !== null || customer.mergedInto !== null || !sameMembers(stored.mergedFrom, customer.mergedFrom)) return undefined;
    const kept = new Set(customer.identities.map(identifierKey));
    // What the customer holds now beyond the plan, less what the unit moves to its other customers.
    const added = stored.identities.filter((identifier) => !kept.has(identifierKey(identifier)) && !planned.has(identifierKey(identifier)));
    // Everything the customer is written with must be its own still: an un-merge may have taken some back.
    const holders = await store.lookup([...customer.identities, ...added]);
    const holderOf = (identifier: Identifier) => holders.get(identifierKey(identifier));
    if (customer.identities.some((identifier) => holderOf(identifier) !== customer.customerId && planned.get(identifierKey(identifier)) !== customer.customerId)) return undefined;
    if (added.some((identifier) => holderOf(identifier) !== customer.customerId)) return undefined;
    customers.push({ ...customer, identities: [...customer.identities, ...added], updatedAt: Math.max(now, stored.updatedAt + 1) });
    expectedCustomers.push({ customerId: customer.customerId, updatedAt: stored.updatedAt });
  }
  return { ...unit, customers, expected, expectedCustomers };
}
