import type { Principal } from './principal';

/** What every GraphQL resolver can see about the request. */
export interface RequestContext {
  principal?: Principal;
  requestId: string;
}
