import { PII_TYPES, USER_ID } from '../identifier';
import type { CompiledRules } from '../rules/identity-rules';
import type { TypeRoles } from './constrained-union-find';

/** The roles of the type codes `typeNames` (code = index): caps from the rules, user_id as the account, emails and phones as personal keys. */
export function typeRoles(typeNames: readonly string[], rules: CompiledRules): TypeRoles {
  return {
    caps: Uint16Array.from(typeNames, (type) => rules.cap(type)),
    account: typeNames.indexOf(USER_ID),
    personal: Uint8Array.from(typeNames, (type) => (PII_TYPES.has(type) ? 1 : 0)),
  };
}
