import { countByType, identifierKey, PII_TYPES, USER_ID, type Identifier } from '../identifier';
import type { Assignment, IdentityStore, MergeRecord, StoredCustomer } from '../identity-store.port';
import type { CompiledRules } from '../rules/identity-rules';

/** One unit of a batch stitch's store changes, with what it expects the store to hold (see syncStore). */
export interface UnitChanges {
  assign: Assignment[];
  unassign: Identifier[];
  customers: StoredCustomer[];
  /** Customers left with no identifiers and no lineage (every identifier blocked since): removed. */
  removeCustomers: string[];
  merges: MergeRecord[];
  expected: Array<{ identifier: Identifier; customerId: string | null }>;
  expectedCustomers: Array<{ customerId: string; updatedAt: number | null }>;
}

function withinCaps(identities: readonly Identifier[], rules: CompiledRules): boolean {
  return [...countByType(identities)].every(([type, count]) => count <= rules.cap(type));
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
 * customers or identifiers, an un-merge took identifiers back, a unit that merges or revives), or
 * when the two together would break the rules: each side was decided without the other, so only
 * identifiers that carry no account or personal data are taken over, and only within the caps.
 * Such a unit is deferred, as before, and the next stitch plans it on what the store holds then.
 */
export async function rebaseUnit(store: IdentityStore, unit: UnitChanges, now: number, rules: CompiledRules): Promise<UnitChanges | undefined> {
  if (unit.merges.length > 0 || unit.unassign.length > 0 || unit.removeCustomers.length > 0) return undefined;
  const planned = new Map(unit.assign.map((assignment) => [identifierKey(assignment.identifier), assignment.customerId]));
  const assigned = await store.lookup(unit.expected.map((entry) => entry.identifier));
  const expected: UnitChanges['expected'] = [];
  const madeAlready = new Set<string>();
  for (const entry of unit.expected) {
    const key = identifierKey(entry.identifier);
    const holder = assigned.get(key) ?? null;
    // Moved since it was read: only where the other writer gave it the customer this unit gives it.
    if (holder !== entry.customerId && holder !== planned.get(key)) return undefined;
    if (holder !== entry.customerId) madeAlready.add(key);
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
    // An account or personal data the stream gave it may be one the plan's links would have refused (a second account, an indirect email).
    if (added.some((identifier) => identifier.type === USER_ID || PII_TYPES.has(identifier.type))) return undefined;
    const identities = [...customer.identities, ...added].sort((a, b) => rules.compare(a, b));
    if (!withinCaps(identities, rules)) return undefined;
    customers.push({ ...customer, identities, updatedAt: Math.max(now, stored.updatedAt + 1) });
    expectedCustomers.push({ customerId: customer.customerId, updatedAt: stored.updatedAt });
  }
  const assign = unit.assign.filter((assignment) => !madeAlready.has(identifierKey(assignment.identifier)));
  return { ...unit, assign, customers, expected, expectedCustomers };
}
