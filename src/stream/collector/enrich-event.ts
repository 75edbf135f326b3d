import { randomUUID } from 'node:crypto';
import type { ClickstreamEvent } from '../clickstream-event';
import type { CheckedEvent } from './event-validation';

/** What the server knows about a call that the event itself may not say. */
export interface Reception {
  /** When the collector received the request (epoch ms). */
  receivedAt: number;
  /** The same as ISO-8601, computed once per call. */
  receivedAtIso?: string;
  /** The batch envelope's `sentAt`, used when an event has none. */
  sentAt?: string;
}

/**
 * Server-side fields, as RudderStack's gateway and Segment's API add them: `receivedAt` is the
 * server clock; a missing `timestamp` is `originalTimestamp` corrected for the device's clock
 * skew (receivedAt − (sentAt − originalTimestamp)); a missing `messageId` gets a fresh one (so
 * such events cannot be deduplicated across retries, which is why the SDKs always send one).
 * A `writeKey` inside an event is a credential and never reaches the lake. Like checkEvent, it
 * completes the (freshly parsed) event in place.
 */
export function enrichEvent(checked: CheckedEvent, reception: Reception, newId: () => string = randomUUID): ClickstreamEvent {
  const event = checked as Partial<ClickstreamEvent> & CheckedEvent;
  if ('writeKey' in event) delete event.writeKey;
  const sentAt = typeof event.sentAt === 'string' ? event.sentAt : reception.sentAt;
  if (typeof event.messageId !== 'string' || event.messageId.trim() === '') event.messageId = newId();
  const receivedAtIso = reception.receivedAtIso ?? new Date(reception.receivedAt).toISOString();
  const timestamp = typeof event.timestamp === 'string' ? event.timestamp : correctedTimestamp(event.originalTimestamp, sentAt, reception.receivedAt, receivedAtIso);
  event.timestamp = notInTheFuture(timestamp, reception.receivedAt, receivedAtIso);
  if (sentAt !== undefined) event.sentAt = sentAt;
  event.receivedAt = receivedAtIso;
  return event as ClickstreamEvent;
}

/** How far ahead of the server's clock an event's time may be before it is taken as a device clock gone wrong. */
export const FUTURE_TOLERANCE_MS = 24 * 60 * 60 * 1000;
// The range a Date holds (±100,000,000 days around 1970): anything outside cannot be an ISO string.
const MAX_DATE_MS = 8_640_000_000_000_000;

/**
 * An event dated after tomorrow (a device clock set to 2100) would end every rolling window of its
 * customer there and, as the newest write, hold off every later correction; PostHog, for one, moves
 * such events to the time they arrived. So does this, before the raw zone is written, so the lake
 * sees the same time as the stream. The device's own `originalTimestamp` is kept.
 */
function notInTheFuture(timestamp: string, receivedAt: number, receivedAtIso: string): string {
  return Date.parse(timestamp) > receivedAt + FUTURE_TOLERANCE_MS ? receivedAtIso : timestamp;
}

function correctedTimestamp(originalTimestamp: unknown, sentAt: string | undefined, receivedAt: number, receivedAtIso: string): string {
  const original = typeof originalTimestamp === 'string' ? Date.parse(originalTimestamp) : Number.NaN;
  if (Number.isNaN(original)) return receivedAtIso;
  const sent = sentAt === undefined ? Number.NaN : Date.parse(sentAt);
  if (Number.isNaN(sent)) return new Date(original).toISOString();
  const corrected = receivedAt - (sent - original);
  // Skew beyond any real clock's: the corrected time would not be a date at all.
  return Math.abs(corrected) <= MAX_DATE_MS ? new Date(corrected).toISOString() : receivedAtIso;
}
