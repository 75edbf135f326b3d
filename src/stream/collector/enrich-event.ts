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
  if (typeof event.timestamp !== 'string') event.timestamp = correctedTimestamp(event.originalTimestamp, sentAt, reception.receivedAt);
  if (sentAt !== undefined) event.sentAt = sentAt;
  event.receivedAt = reception.receivedAtIso ?? new Date(reception.receivedAt).toISOString();
  return event as ClickstreamEvent;
}

function correctedTimestamp(originalTimestamp: unknown, sentAt: string | undefined, receivedAt: number): string {
  const original = typeof originalTimestamp === 'string' ? Date.parse(originalTimestamp) : Number.NaN;
  if (Number.isNaN(original)) return new Date(receivedAt).toISOString();
  const sent = sentAt === undefined ? Number.NaN : Date.parse(sentAt);
  if (Number.isNaN(sent)) return new Date(original).toISOString();
  return new Date(receivedAt - (sent - original)).toISOString();
}
