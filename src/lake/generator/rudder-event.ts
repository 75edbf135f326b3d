import { isoTime } from './clock';
import type { JsonObject } from './json';

// The RudderStack event spec as our SDKs send it (https://www.rudderstack.com/docs/event-spec/standard-events/).

export type RudderType = 'track' | 'page' | 'screen' | 'identify' | 'alias' | 'group';

export interface RudderContext extends JsonObject {
  app: { name: string; namespace: string; version: string; build?: string };
  library: { name: string; version: string };
  os: { name: string; version: string };
  device: { id: string; manufacturer?: string; model?: string; type: string };
  traits: JsonObject;
  locale: string;
  userAgent?: string;
  page?: JsonObject;
  campaign?: JsonObject;
}

export interface RudderEvent extends JsonObject {
  type: RudderType;
  event?: string;
  name?: string;
  properties?: JsonObject;
  traits?: JsonObject;
  userId?: string;
  previousId?: string;
  groupId?: string;
  anonymousId: string;
  messageId: string;
  channel: 'mobile' | 'web';
  context: RudderContext;
  originalTimestamp: string;
  sentAt: string;
  receivedAt: string;
  /** Server-corrected event time; absent on events from an old SDK path. */
  timestamp?: string;
}

/** Dirt an event carries from its session, counted only if the event is written. */
export const EVENT_LATE = 1;
export const EVENT_SKEWED = 2;
export const EVENT_NO_TIMESTAMP = 4;

export interface TimedEvent {
  readonly body: RudderEvent;
  /** The device's clock when it sent the event (skew included). */
  readonly sentMs: number;
  readonly receivedMs: number;
  readonly flags: number;
  /** A redelivered copy of an event already in the list. */
  readonly duplicate: boolean;
}

/** The same event delivered again `delayMs` later: new sentAt/receivedAt, same messageId. */
export function redelivered(original: TimedEvent, delayMs: number): TimedEvent {
  const sentMs = original.sentMs + delayMs;
  const receivedMs = original.receivedMs + delayMs;
  return {
    body: { ...original.body, sentAt: isoTime(sentMs), receivedAt: isoTime(receivedMs) },
    sentMs,
    receivedMs,
    flags: original.flags,
    duplicate: true,
  };
}

/** Identifier values an event carries, wherever the spec lets them sit. */
export function eventIdentifiers(event: RudderEvent): unknown[] {
  return [
    event.userId,
    event.anonymousId,
    event.previousId,
    event.context.device.id,
    event.context.traits.userId,
    event.context.traits.email,
    event.context.traits.phone,
    event.traits?.email,
    event.traits?.phone,
  ];
}
