import { isEventType, isJsonObject, type EventType, type JsonObject } from '../clickstream-event';

/** Segment's and RudderStack's limit for one event; bigger ones are dead-lettered, never stored. */
export const MAX_EVENT_BYTES = 32 * 1024;

/**
 * Why an event was refused. The names match the batch path's quarantine reasons
 * (src/lake/processing/clickstream.sql.ts) where the same rule applies, so one vocabulary
 * describes bad events wherever they are caught.
 */
export type RejectionReason =
  | 'invalid_json'
  | 'not_an_object'
  | 'unknown_type'
  | 'event_too_large'
  | 'missing_field:event'
  | 'missing_field:previousId'
  | 'missing_field:groupId'
  | 'missing_field:userId|anonymousId'
  | 'missing_field:messageId'
  | 'missing_field:timestamp'
  | `invalid_field:${string}`;

/** A checked event: fields normalized (ids as strings, blank strings dropped), not yet enriched by the server. */
export interface CheckedEvent extends JsonObject {
  type: EventType;
  userId?: string;
  anonymousId?: string;
  previousId?: string;
}

export type Verdict = { ok: true; event: CheckedEvent } | { ok: false; reason: RejectionReason };

const ID_FIELDS = ['userId', 'anonymousId', 'previousId'] as const;
const STRING_FIELDS = ['messageId', 'event', 'name', 'groupId', 'channel'] as const;
const TIME_FIELDS = ['timestamp', 'originalTimestamp', 'sentAt'] as const;
const OBJECT_FIELDS = ['properties', 'traits', 'context', 'integrations'] as const;

// Ids become online-store keys (customer:<id>): at most 256 bytes, no control characters.
const MAX_ID_BYTES = 256;

function hasControlCharacter(text: string): boolean {
  for (let index = 0; index < text.length; index += 1) if (text.charCodeAt(index) < 0x20) return true;
  return false;
}

/**
 * An identifier as the SDKs send it. Both official SDKs turn numeric ids into strings before
 * sending, and the batch path reads any scalar as text, so a number is accepted the same way.
 * Blank strings count as absent, as in the batch path.
 */
function identifier(value: unknown): string | undefined | false {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string' || hasControlCharacter(value) || Buffer.byteLength(value) > MAX_ID_BYTES) return false;
  return value.trim() === '' ? undefined : value;
}

// ISO-8601 as the SDKs send it, which the lake's processing reads too (a TIMESTAMPTZ cast): Date.parse
// alone also takes 'Mon, 02 Jun 2025 08:05:00 GMT' and six-digit years, which the lake quarantines,
// so the stream would count (and merge on) an event the batch never sees.
const ISO_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}(:?\d{2})?)?)?$/;

function isTime(value: unknown): boolean {
  return typeof value === 'string' && ISO_TIME.test(value) && !Number.isNaN(Date.parse(value));
}

/**
 * Checks one event of a call. `type` is the endpoint's type (`/v1/track` → track) or, in a
 * batch, the item's own; `bytes` is its size as received (0 when the caller checks the size
 * itself). A refused event is left exactly as it arrived (its dead letter keeps the original); an
 * accepted one is normalized in place, without copying: it is a freshly parsed object no one else
 * holds, and the collector's hot path should not allocate per event.
 */
export function checkEvent(raw: unknown, bytes: number, type: unknown): Verdict {
  if (bytes > MAX_EVENT_BYTES) return { ok: false, reason: 'event_too_large' };
  if (!isJsonObject(raw)) return { ok: false, reason: 'not_an_object' };
  const normalizedType = typeof type === 'string' ? type.trim().toLowerCase() : type;
  if (!isEventType(normalizedType)) return { ok: false, reason: 'unknown_type' };
  const problem = firstProblem(raw);
  if (problem) return { ok: false, reason: problem };
  const verdict = requiredFields(raw, normalizedType);
  if (!verdict.ok) return verdict;
  normalize(raw, normalizedType);
  return { ok: true, event: raw as CheckedEvent };
}

const isPlainId = (value: unknown): boolean => typeof value === 'string' && value.length * 3 <= MAX_ID_BYTES && value.trim() !== '' && !hasControlCharacter(value);

function firstProblem(event: JsonObject): RejectionReason | undefined {
  for (const field of ID_FIELDS) if (!isPlainId(event[field]) && identifier(event[field]) === false) return `invalid_field:${field}`;
  for (const field of STRING_FIELDS) if (event[field] !== undefined && event[field] !== null && typeof event[field] !== 'string') return `invalid_field:${field}`;
  for (const field of TIME_FIELDS) if (event[field] !== undefined && event[field] !== null && !isTime(event[field])) return `invalid_field:${field}`;
  for (const field of OBJECT_FIELDS) if (event[field] !== undefined && event[field] !== null && !isJsonObject(event[field])) return `invalid_field:${field}`;
  return undefined;
}

/** Ids as strings, null and blank optional fields dropped (absent ones left alone: deleting slows an object down). */
function normalize(event: JsonObject, type: EventType): void {
  if (event.type !== type) event.type = type;
  for (const field of ID_FIELDS) {
    if (isPlainId(event[field])) continue;
    const id = identifier(event[field]);
    if (typeof id === 'string') event[field] = id;
    else if (field in event) delete event[field];
  }
  for (const field of [...STRING_FIELDS, ...TIME_FIELDS, ...OBJECT_FIELDS]) if (field in event && (event[field] === undefined || event[field] === null)) delete event[field];
}

function present(value: unknown): boolean {
  return typeof value === 'string' && value.trim() !== '';
}

/** What the batch path requires, read from the event as it arrived. */
function requiredFields(event: JsonObject, type: EventType): { ok: true } | { ok: false; reason: RejectionReason } {
  if (type === 'track' && !present(event.event)) return { ok: false, reason: 'missing_field:event' };
  if (type === 'alias' && identifier(event.previousId) === undefined) return { ok: false, reason: 'missing_field:previousId' };
  if (type === 'group' && !present(event.groupId)) return { ok: false, reason: 'missing_field:groupId' };
  if (identifier(event.userId) === undefined && identifier(event.anonymousId) === undefined) return { ok: false, reason: 'missing_field:userId|anonymousId' };
  return { ok: true };
}
