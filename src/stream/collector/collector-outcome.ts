import type { RejectionReason } from './event-validation';

/** One refused event of a call: its position in the batch (0 for single calls) and why. */
export interface Rejection {
  index: number;
  reason: RejectionReason;
}

/**
 * What the collector answers, in the status codes of Segment's and RudderStack's HTTP APIs.
 * A batch with some bad events stores the good ones and answers 400 listing the bad ones (both
 * SDKs drop a batch on 400 rather than retry it; a client that does retry causes no double count,
 * since copies share their messageId).
 */
export type CollectorOutcome =
  | { status: 200; accepted: number }
  | { status: 400; accepted: number; rejected: readonly Rejection[] }
  | { status: 401 }
  | { status: 413; reason: RejectionReason | 'request_too_large' }
  | { status: 429; retryAfterSeconds: number }
  | { status: 503 };
