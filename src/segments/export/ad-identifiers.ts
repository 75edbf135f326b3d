import { createHash } from 'node:crypto';
import { normalizeIdentifier } from '../../identity/identifier-normalization';

/** The ad platforms whose upload formats c360 knows; they disagree only on the phone's form. */
export const AD_PLATFORMS = ['google', 'meta'] as const;
export type AdPlatform = (typeof AD_PLATFORMS)[number];

const GMAIL = /^([^@]+)@(gmail\.com|googlemail\.com)$/;

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * An email as the platforms hash it: trimmed and lower-cased (the identity normalization); for
 * Google Customer Match also without the dots of a gmail.com / googlemail.com local part, which
 * Gmail ignores. Null when the value is no email.
 */
export function adEmail(raw: string, platform: AdPlatform): string | null {
  const email = normalizeIdentifier('email', raw);
  if (email === null || platform !== 'google') return email;
  const gmail = GMAIL.exec(email);
  return gmail ? `${(gmail[1] as string).replaceAll('.', '')}@${gmail[2] as string}` : email;
}

/**
 * A phone as the platforms hash it: E.164 with its `+` for Google Customer Match; the same digits
 * without the `+` for Meta's custom audiences. Null when the value is no phone.
 */
export function adPhone(raw: string, platform: AdPlatform): string | null {
  const phone = normalizeIdentifier('phone', raw);
  if (phone === null) return null;
  return platform === 'meta' ? phone.slice(1) : phone;
}

/** SHA-256 (lower-case hex) of each identifier that normalizes, distinct, sorted. */
export function hashedIdentifiers(values: readonly string[], normalize: (raw: string) => string | null): string[] {
  const normalized = values.map(normalize).filter((value): value is string => value !== null);
  return [...new Set(normalized.map(sha256Hex))].sort();
}
