import { errorMessage } from '../redelivery';
import { partitionKey, type ClickstreamEvent, type EventType } from '../clickstream-event';
import type { DeadLetter } from '../dead-letter/dead-letter';
import type { DeadLetterQueue } from '../dead-letter/dead-letter-queue.port';
import type { EventBus } from '../event-bus.port';
import type { StreamTopics } from '../stream-config';
import { topicFor } from '../topic-routing';
import type { Logger } from '../../shared/logger.port';
import type { CollectorMetrics } from './collector-metrics';
import type { CollectorOutcome, Rejection } from './collector-outcome';
import { enrichEvent } from './enrich-event';
import { CoalescingPublisher } from './coalescing-publisher';
import { checkEvent, MAX_EVENT_BYTES, type RejectionReason } from './event-validation';
import type { RateLimiter } from './rate-limiter';
import { basicAuthUser, type Source, type WriteKeyAuthenticator } from './write-key-authenticator';

// receivedAt, timestamp, sentAt and a generated messageId: what the server may add to an event.
const ENRICHMENT_BYTES = 256;

/** The endpoint a call came to: `/v1/<type>` or `/v1/batch`. */
export type CollectorEndpoint = EventType | 'batch';

/** One HTTP call, with its body already decoded (gzip) and within the request cap. */
export interface CollectorCall {
  endpoint: CollectorEndpoint;
  body: Buffer;
  authorization: string | undefined;
  /** Server clock when the request arrived, epoch ms. */
  receivedAt: number;
}

/** Where accepted events are stored before anyone applies them (the raw zone); resolves once durable. */
export interface AcceptedEventLog {
  /** `events` are JSON texts, one event each. */
  append(events: readonly string[], landedAt: number): Promise<void>;
}

export interface CollectorDeps {
  writeKeys: WriteKeyAuthenticator;
  rateLimiter: RateLimiter;
  rawLog: AcceptedEventLog;
  bus: EventBus;
  deadLetters: DeadLetterQueue;
  topics: StreamTopics;
  metrics: CollectorMetrics;
  logger: Logger;
  now?: () => number;
}

/** A call's events once its body is parsed and its source known. */
interface Envelope {
  source: string;
  endpoint: CollectorEndpoint;
  items: readonly unknown[];
  receivedAt: number;
  sentAt?: string;
  /** Refusals so far of these events (0 for a fresh call, the letter's count on replay). */
  attempts: number;
}

interface Refusal {
  reason: RejectionReason;
  payload: string;
  index: number;
}

/**
 * The collector of the Segment/RudderStack HTTP tracking API. An accepted event is appended to
 * the raw zone first (the log of record, which the batch path reads), then published to the bus
 * (which the consumers apply), and only then acknowledged: a crash in between loses nothing,
 * since the SDK retries an unacknowledged call and every effect downstream is idempotent by
 * messageId. Refused events go to the dead letters with the reason and what arrived.
 */
export class CollectorService {
  private readonly now: () => number;
  private readonly publisher: CoalescingPublisher;

  constructor(private readonly deps: CollectorDeps) {
    this.now = deps.now ?? Date.now;
    this.publisher = new CoalescingPublisher(deps.bus);
  }

  async collect(call: CollectorCall): Promise<CollectorOutcome> {
    const outcome = await this.handle(call);
    this.deps.metrics.request(outcome.status);
    return outcome;
  }

  /**
   * Puts collector dead letters through again (after a fix): accepted ones are stored and
   * published like fresh calls; ones refused again become new letters with one more attempt.
   */
  async replay(letters: readonly DeadLetter[]): Promise<{ accepted: number; refused: number }> {
    let accepted = 0;
    let refused = 0;
    for (const letter of letters) {
      const endpoint = (letter.origin.endpoint ?? 'batch') as CollectorEndpoint;
      const receivedAt = Number.isNaN(Date.parse(letter.at)) ? this.now() : Date.parse(letter.at);
      const base = { source: letter.origin.source ?? 'replay', receivedAt, attempts: letter.attempts };
      let body: unknown;
      try {
        body = JSON.parse(letter.payload);
      } catch {
        await this.refuse({ ...base, endpoint }, [{ reason: 'invalid_json', payload: letter.payload, index: 0 }]);
        refused += 1;
        continue;
      }
      // A letter holds one event, or a whole body whose `batch` was unusable.
      const batch = typeof body === 'object' && body !== null && Array.isArray((body as { batch?: unknown }).batch) ? (body as { batch: unknown[] }).batch : undefined;
      const result = await this.ingest({ ...base, endpoint: batch ? 'batch' : endpoint, items: batch ?? [body] });
      accepted += result.accepted;
      refused += result.refused.length;
    }
    return { accepted, refused };
  }

  private async handle(call: CollectorCall): Promise<CollectorOutcome> {
    const headerSource = this.deps.writeKeys.authenticate(basicAuthUser(call.authorization));
    let body: unknown;
    try {
      body = JSON.parse(call.body.toString('utf8'));
    } catch {
      // Unauthenticated junk is not worth keeping; an authenticated source's is, to find the bug.
      if (!headerSource) return { status: 401 };
      await this.refuse(envelope(headerSource, call, []), [{ reason: 'invalid_json', payload: call.body.toString('utf8'), index: 0 }]);
      return { status: 400, accepted: 0, rejected: [{ index: 0, reason: 'invalid_json' }] };
    }
    const object = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
    // Segment's HTTP API also takes the write key in the body, for clients that cannot set headers.
    const source = headerSource ?? this.deps.writeKeys.authenticate(typeof object?.writeKey === 'string' ? object.writeKey : undefined);
    if (!source) return { status: 401 };
    const sentAt = typeof object?.sentAt === 'string' && !Number.isNaN(Date.parse(object.sentAt)) ? object.sentAt : undefined;
    if (call.endpoint === 'batch' && !Array.isArray(object?.batch)) {
      await this.refuse(envelope(source, call, []), [{ reason: 'invalid_field:batch', payload: call.body.toString('utf8'), index: 0 }]);
      return { status: 400, accepted: 0, rejected: [{ index: 0, reason: 'invalid_field:batch' }] };
    }
    const items: readonly unknown[] = call.endpoint === 'batch' ? (object?.batch as unknown[]) : [body];
    const decision = this.deps.rateLimiter.take(source.name, items.length);
    if (!decision.allowed) return { status: 429, retryAfterSeconds: decision.retryAfterSeconds };
    let result: { accepted: number; refused: Refusal[] };
    try {
      result = await this.ingest({ ...envelope(source, call, items), sentAt }, call.endpoint === 'batch' ? undefined : call.body.length);
    } catch (error) {
      // Not acknowledged, so the SDK retries; whatever did land is deduplicated by messageId.
      this.deps.logger.error('collector could not store events; answering 503', { source: source.name, events: items.length, error: errorMessage(error) });
      return { status: 503 };
    }
    const rejected: Rejection[] = result.refused.map(({ index, reason }) => ({ index, reason }));
    if (rejected.length === 0) return { status: 200, accepted: result.accepted };
    if (call.endpoint !== 'batch' && rejected[0].reason === 'event_too_large') return { status: 413, reason: 'event_too_large' };
    return { status: 400, accepted: result.accepted, rejected };
  }

  /** Checks, stores and publishes the good events, dead-letters the bad; resolves once both are durable. */
  private async ingest(call: Envelope, singleBodyBytes?: number): Promise<{ accepted: number; refused: Refusal[] }> {
    const accepted: ClickstreamEvent[] = [];
    const values: string[] = [];
    const refused: Refusal[] = [];
    const reception = { receivedAt: call.receivedAt, receivedAtIso: new Date(call.receivedAt).toISOString(), sentAt: call.sentAt };
    call.items.forEach((item, index) => {
      const type = call.endpoint === 'batch' ? (item as { type?: unknown } | null)?.type : call.endpoint;
      // A batch item's size is taken from its stored form below, which saves serializing it twice.
      const verdict = checkEvent(item, singleBodyBytes ?? 0, type);
      if (!verdict.ok) {
        refused.push({ reason: verdict.reason, payload: JSON.stringify(item) ?? 'null', index });
        return;
      }
      const event = enrichEvent(verdict.event, reception);
      const text = JSON.stringify(event);
      // The stored form carries the server's few fields too; allow for them.
      if (singleBodyBytes === undefined && text.length > MAX_EVENT_BYTES + ENRICHMENT_BYTES && Buffer.byteLength(text) > MAX_EVENT_BYTES + ENRICHMENT_BYTES) {
        refused.push({ reason: 'event_too_large', payload: text, index });
        return;
      }
      accepted.push(event);
      values.push(text);
    });
    await Promise.all([this.store(accepted, values), this.refuse(call, refused)]);
    this.deps.metrics.accepted(call.source, accepted.length);
    return { accepted: accepted.length, refused };
  }

  private async store(events: readonly ClickstreamEvent[], values: readonly string[]): Promise<void> {
    if (events.length === 0) return;
    await this.deps.rawLog.append(values, this.now());
    await this.publisher.publish(events.map((event, index) => ({ topic: topicFor(event, this.deps.topics), key: partitionKey(event), value: values[index] })));
  }

  private async refuse(call: Omit<Envelope, 'items'>, refused: readonly Refusal[]): Promise<void> {
    if (refused.length === 0) return;
    const at = new Date(call.receivedAt).toISOString();
    const letters: DeadLetter[] = refused.map(({ reason, payload, index }) => ({
      stage: 'collector',
      reason,
      payload,
      origin: { source: call.source, endpoint: call.endpoint, index: String(index) },
      at,
      attempts: call.attempts + 1,
    }));
    for (const { reason } of refused) this.deps.metrics.rejected(reason, 1);
    await this.deps.deadLetters.send(letters);
  }
}

function envelope(source: Source, call: CollectorCall, items: readonly unknown[]): Envelope {
  return { source: source.name, endpoint: call.endpoint, items, receivedAt: call.receivedAt, attempts: 0 };
}
