import type { Scope } from '../config/scopes';

/** Who is calling: the configured name of their API key and what it may do. */
export interface Principal {
  keyName: string;
  scopes: ReadonlySet<Scope>;
}

export function hasScope(principal: Principal, scope: Scope): boolean {
  return principal.scopes.has(scope) || principal.scopes.has('admin');
}
