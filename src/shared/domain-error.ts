/** Codes a client can act on; they become GraphQL `extensions.code` and HTTP statuses at the edge. */
export type ErrorCode = 'BAD_USER_INPUT' | 'NOT_FOUND' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'CONFLICT' | 'UNAVAILABLE';

/** An error whose message is safe to show to the caller: no personal data, no internals. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, string | number | boolean> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
