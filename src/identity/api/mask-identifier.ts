import { PII_TYPES, type Identifier } from '../identifier';

/**
 * An email or phone as a caller without `pii:read` sees it: enough to tell two apart on a support
 * screen, not enough to contact anyone. `jane.doe@example.com` → `j***@***.com`,
 * `+919876543210` → `+**********10`. Other types (account, device, anonymous ids) are shown as they are.
 */
export function maskedValue(identifier: Identifier): string {
  if (!PII_TYPES.has(identifier.type)) return identifier.value;
  const { value } = identifier;
  if (identifier.type === 'email') {
    const at = value.lastIndexOf('@');
    const dot = value.lastIndexOf('.');
    const topLevel = dot > at ? value.slice(dot) : '';
    return `${at > 0 ? value[0] : ''}***@***${topLevel}`;
  }
  const digits = value.replace(/^\+/, '');
  return `${value.startsWith('+') ? '+' : ''}${'*'.repeat(Math.max(0, digits.length - 2))}${digits.slice(-2)}`;
}

export function isPersonal(identifier: Pick<Identifier, 'type'>): boolean {
  return PII_TYPES.has(identifier.type);
}
