import { maskedValue } from '../api/mask-identifier';
import type { Identifier } from '../identifier';

/**
 * How operator output shows an identifier: phones and emails masked as the API masks them for a
 * caller without `pii:read` (one policy for every way out), unless the operator asked to reveal them.
 * Account, device and anonymous ids are pseudonymous keys and are shown as they are.
 */
export function maskIdentifierValue(type: string, value: string): string {
  return maskedValue({ type, value });
}

export function presentIdentifier(identifier: Identifier, revealPii: boolean): Identifier {
  return { type: identifier.type, value: revealPii ? identifier.value : maskIdentifierValue(identifier.type, identifier.value) };
}
