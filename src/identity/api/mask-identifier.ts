import { PSEUDONYMOUS_TYPES, type Identifier } from '../identifier';

/**
 * An email or phone as a caller without `pii:read` sees it: enough to tell two apart on a support
 * screen, not enough to contact anyone. `jane.doe@example.com` → `j***@***.com`,
 * `+919876543210` → `+**********10`. A configured type (a loyalty card, an insurance member id)
 * may name a person as surely: it shows its last two characters of six or more, `MBR-4411829` →
 * `*********29`. Account, device and anonymous ids are pseudonymous keys, shown as they are.
 * The audit masks rejected raw values too, which may be anything (`priya.sharma` typed as an email):
 * only what an address or a number would show is shown, never a part of free text.
 */
export function maskedValue(identifier: Identifier): string {
  if (!isPersonal(identifier)) return identifier.value;
  const { value } = identifier;
  if (identifier.type === 'email') {
    const at = value.indexOf('@');
    if (at <= 0 || value.lastIndexOf('@') !== at) return '***@***';
    const topLevel = /\.[a-z]{2,24}$/i.exec(value.slice(at + 2))?.[0] ?? '';
    return `${value[0]}***@***${topLevel}`;
  }
  if (identifier.type !== 'phone') {
    const characters = [...value];
    const shown = characters.length >= 6 ? characters.slice(-2).join('') : '';
    return `${'*'.repeat(characters.length - shown.length)}${shown}`;
  }
  const digits = value.replace(/^\+/, '');
  const lastTwo = /^[0-9]{2}$/.test(digits.slice(-2)) ? digits.slice(-2) : '';
  return `${value.startsWith('+') ? '+' : ''}${'*'.repeat(Math.max(0, digits.length - lastTwo.length))}${lastTwo}`;
}

/** Whether a caller needs `pii:read` to see the value, or to look a customer up by it: every type but the pseudonymous keys. */
export function isPersonal(identifier: Pick<Identifier, 'type'>): boolean {
  return !PSEUDONYMOUS_TYPES.has(identifier.type);
}
