/** The RudderStack/Segment call types (DESIGN.md's raw clickstream contract). */
export const EVENT_TYPES = ['track', 'page', 'screen', 'identify', 'alias', 'group'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export function isEventType(value: unknown): value is EventType {
  return typeof value === 'string' && (EVENT_TYPES as readonly string[]).includes(value);
}

/** A JSON object as the SDKs send it; fields beyond the typed ones pass through untouched. */
export type JsonObject = { [key: string]: unknown };

/**
 * One accepted event, exactly as the raw zone stores it (one JSON line each). The collector fills
 * `messageId`, `timestamp` and `receivedAt` when an SDK left them out, so every stored event has them.
 */
export interface ClickstreamEvent extends JsonObject {
  type: EventType;
  messageId: string;
  userId?: string;
  anonymousId?: string;
  event?: string;
  previousId?: string;
  groupId?: string;
  properties?: JsonObject;
  traits?: JsonObject;
  context?: JsonObject;
  timestamp: string;
  originalTimestamp?: string;
  sentAt?: string;
  receivedAt: string;
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Event time as the batch path reads it: `timestamp`, falling back to `originalTimestamp` (epoch ms). */
export function eventTimeMs(event: Pick<ClickstreamEvent, 'timestamp' | 'originalTimestamp'>): number {
  const parsed = Date.parse(event.timestamp);
  return Number.isNaN(parsed) && event.originalTimestamp !== undefined ? Date.parse(event.originalTimestamp) : parsed;
}

/** The UTC day of an epoch-ms time, YYYY-MM-DD. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The partition key of the RudderStack Kafka destination: `userId`, else `anonymousId`. */
export function partitionKey(event: Pick<ClickstreamEvent, 'userId' | 'anonymousId'>): string {
  return event.userId ?? event.anonymousId ?? '';
}
