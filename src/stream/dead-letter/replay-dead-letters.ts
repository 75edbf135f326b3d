import type { CollectorService } from '../collector/collector.service';
import type { EventBus, OutgoingMessage } from '../event-bus.port';
import type { DeadLetter } from './dead-letter';
import type { DeadLetterQueue } from './dead-letter-queue.port';

export interface ReplayReport {
  replayed: number;
  /** Collector letters now accepted, and ones refused again (they are new letters now). */
  collector: { accepted: number; refused: number };
  /** Consumer letters put back on their topic; the consumers apply them or refuse them again. */
  republished: number;
}

/**
 * Reprocesses the dead letters after a fix: a collector letter goes through the collector's
 * checks again, a consumer letter goes back to the topic it came from (with its attempt count in
 * the `c360-attempts` header), where the consumers take it like any other message. Effects are
 * idempotent by messageId, so replaying a letter twice is harmless.
 */
export async function replayDeadLetters(queue: DeadLetterQueue, collector: CollectorService, bus: EventBus): Promise<ReplayReport> {
  const report: ReplayReport = { replayed: 0, collector: { accepted: 0, refused: 0 }, republished: 0 };
  const summary = await queue.replay(async (letters: readonly DeadLetter[]) => {
    const fromCollector = letters.filter((letter) => letter.stage === 'collector');
    const result = await collector.replay(fromCollector);
    report.collector.accepted += result.accepted;
    report.collector.refused += result.refused;
    const messages: OutgoingMessage[] = letters
      .filter((letter) => letter.stage === 'consumer' && letter.origin.topic !== undefined)
      .map((letter) => ({ topic: letter.origin.topic, key: letter.origin.key ?? '', value: letter.payload, headers: { 'c360-attempts': String(letter.attempts) } }));
    await bus.publish(messages);
    report.republished += messages.length;
  });
  report.replayed = summary.replayed;
  return report;
}
