import type { Identifier } from '../identifier';
import type { IdentityStore } from '../identity-store.port';
import { presentIdentifier } from './mask-identifier';

/** One line of `c360 identity export`. */
export interface ExportedCustomer {
  customerId: string;
  identities: Identifier[];
  mergedFrom: string[];
}

/**
 * Every active customer of the identity store (merged-away ones are listed in their survivor's
 * `mergedFrom`, not on lines of their own), phones and emails masked unless `revealPii`.
 * Returns how many were written; `write` may wait (back-pressure) so the export streams.
 */
export async function exportCustomers(store: IdentityStore, options: { revealPii: boolean }, write: (customer: ExportedCustomer) => Promise<void>): Promise<number> {
  let written = 0;
  for await (const page of store.scanCustomers()) {
    for (const customer of page) {
      if (customer.mergedInto !== null || customer.identities.length === 0) continue;
      await write({
        customerId: customer.customerId,
        identities: customer.identities.map((identifier) => presentIdentifier(identifier, options.revealPii)),
        mergedFrom: [...customer.mergedFrom],
      });
      written++;
    }
  }
  return written;
}
