/** What an API key may do; each resolver and controller declares the scope it needs. */
export const SCOPES = [
  'features:read',
  'profiles:read',
  'pii:read',
  'segments:read',
  'segments:write',
  'funnels:read',
  'admin',
] as const;
export type Scope = (typeof SCOPES)[number];

export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value);
}
