import type { ClickstreamEvent } from '../clickstream-event';
import { enrichEvent } from '../collector/enrich-event';
import { checkEvent, type RejectionReason } from '../collector/event-validation';

export type Decoded = { ok: true; event: ClickstreamEvent } | { ok: false; reason: RejectionReason };

/**
 * A bus message as an event. Our collector publishes checked, enriched events, but the topic
 * also takes what a RudderStack deployment's Kafka destination publishes (and whatever else a
 * producer sends), so every message is checked again. Without a messageId an event could not be
 * deduplicated on redelivery, and without a time it has no day: both are refused here.
 */
export function decodeMessage(value: string, receivedAt: () => number = Date.now): Decoded {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return { ok: false, reason: 'invalid_json' };
  }
  const verdict = checkEvent(parsed, Buffer.byteLength(value), (parsed as { type?: unknown } | null)?.type);
  if (!verdict.ok) return verdict;
  const { messageId, timestamp, originalTimestamp } = verdict.event;
  if (typeof messageId !== 'string' || messageId.trim() === '') return { ok: false, reason: 'missing_field:messageId' };
  if (timestamp === undefined && originalTimestamp === undefined) return { ok: false, reason: 'missing_field:timestamp' };
  const received = typeof verdict.event.receivedAt === 'string' ? Date.parse(verdict.event.receivedAt) : Number.NaN;
  return { ok: true, event: enrichEvent(verdict.event, { receivedAt: Number.isNaN(received) ? receivedAt() : received }) };
}
