import { PII_TYPES, type Identifier } from '../identifier';

/**
 * How operator output shows an identifier. Phones and emails are personal data: masked unless the
 * operator asked to reveal them, keeping just enough to tell two values apart (an email's first
 * character and domain, a phone's last two digits). Account, device and anonymous ids are shown:
 * they are pseudonymous keys, what an operator greps logs and tables for.
 */
export function maskIdentifierValue(type: string, value: string): string {
  if (!PII_TYPES.has(type)) return value;
  if (type === 'email') {
    const at = value.lastIndexOf('@');
    return at > 0 ? `${value[0]}***${value.slice(at)}` : '***';
  }
  const masked = value.replace(/\d(?=(?:\D*\d){2})/g, '*');
  return masked === value ? '***' : masked;
}

export function presentIdentifier(identifier: Identifier, revealPii: boolean): Identifier {
  return revealPii ? { type: identifier.type, value: identifier.value } : { type: identifier.type, value: maskIdentifierValue(identifier.type, identifier.value) };
}
