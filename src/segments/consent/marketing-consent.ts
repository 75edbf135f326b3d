/**
 * Where marketing consent comes from: Segment's consent-management spec. A consent banner (or the
 * app's privacy settings) sends `Segment Consent Preference Updated` with
 * `context.consent.categoryPreferences`, a map of category → true/false; the customer's newest
 * such event decides. Advertising audiences need the `Advertising` category; its absence (no
 * event, or an event without the category) is no opt-out.
 */
export const CONSENT_EVENT = 'Segment Consent Preference Updated';
export const MARKETING_CATEGORY = 'Advertising';
export const CONSENT_PATH = `$.consent.categoryPreferences.${MARKETING_CATEGORY}`;

/** A consent choice read from one event: whether it refuses advertising, or undefined when it says nothing about it. */
export function optsOut(context: unknown): boolean | undefined {
  if (typeof context !== 'object' || context === null) return undefined;
  const consent = (context as Record<string, unknown>).consent;
  if (typeof consent !== 'object' || consent === null) return undefined;
  const preferences = (consent as Record<string, unknown>).categoryPreferences;
  if (typeof preferences !== 'object' || preferences === null) return undefined;
  const choice = (preferences as Record<string, unknown>)[MARKETING_CATEGORY];
  // SQL reads the choice as text, so "false" the string is an opt-out too: erring toward leaving someone out.
  if (choice === false || choice === 'false') return true;
  if (choice === undefined || choice === null) return undefined;
  return false;
}
