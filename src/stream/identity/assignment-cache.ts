import { ExpiringLru } from '../../shared/expiring-lru';

/**
 * identifierKey → customer id, as the stream's stitching last read or wrote it, trusted for
 * `ttlMs`; the oldest entries go first past `capacity`. Only identifiers someone holds are kept.
 */
export class AssignmentCache extends ExpiringLru<string> {}
