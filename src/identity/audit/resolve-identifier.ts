import { DomainError } from '../../shared/domain-error';
import { identifierKey, type Identifier } from '../identifier';
import { normalizeIdentifier } from '../identifier-normalization';
import type { IdentityStore, StoredCustomer } from '../identity-store.port';
import { CompiledRules, type IdentityRules } from '../rules/identity-rules';
import type { ExportedCustomer } from './export-customers';
import { presentIdentifier } from './mask-identifier';

/** Merges chain at most this deep in practice; past it the store is damaged, not merged. */
const MAX_HOPS = 64;

/**
 * The customer holding an identifier given as typed by a person (`98111 11111`, ` Jane@X.com`): it
 * is normalized as stitching does, looked up, and followed through merges to the surviving
 * customer. Errors never repeat the value: it may be personal data and messages reach logs.
 */
export async function resolveIdentifier(store: IdentityStore, rules: IdentityRules, raw: Identifier, options: { revealPii: boolean }): Promise<ExportedCustomer> {
  const compiled = new CompiledRules(rules);
  if (!compiled.knowsType(raw.type)) throw new DomainError('BAD_USER_INPUT', `--type must be one of ${compiled.types.join(', ')}`);
  const value = normalizeIdentifier(raw.type, raw.value, compiled.blocklist);
  if (value === null) throw new DomainError('BAD_USER_INPUT', `--value is not a usable ${raw.type}: empty, malformed or a blocked placeholder`);
  const identifier = { type: raw.type, value };
  let customerId = (await store.lookup([identifier])).get(identifierKey(identifier));
  if (customerId === undefined) throw new DomainError('NOT_FOUND', `no customer holds this ${raw.type}`);
  let customer: StoredCustomer | undefined;
  for (let hop = 0; hop < MAX_HOPS; hop++) {
    customer = (await store.customers([customerId])).get(customerId);
    if (customer === undefined || customer.mergedInto === null) break;
    customerId = customer.mergedInto;
  }
  if (customer === undefined || customer.mergedInto !== null) throw new DomainError('NOT_FOUND', `the customer of this ${raw.type} has no record in the identity store`);
  return {
    customerId: customer.customerId,
    identities: customer.identities.map((held) => presentIdentifier(held, options.revealPii)),
    mergedFrom: [...customer.mergedFrom],
  };
}
