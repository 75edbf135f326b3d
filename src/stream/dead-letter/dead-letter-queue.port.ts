import type { DeadLetter } from './dead-letter';

/** What one replay did. */
export interface ReplaySummary {
  /** Letters handed to the handler (whether they then succeeded or were refused again). */
  replayed: number;
}

/**
 * Where refused events wait for a fix: a Kafka topic in production, a folder in the embedded
 * profile. Sending is durable before it resolves, so a refused event is never silently dropped.
 */
export interface DeadLetterQueue {
  /** Stores letters; resolves once they are durable. */
  send(letters: readonly DeadLetter[]): Promise<void>;
  /**
   * Hands every letter stored before the call, and not replayed yet, to `handler` in batches, and
   * marks a batch replayed once the handler resolves. Letters the handler sends again (refused
   * once more) are left for a later replay, so one replay always ends.
   */
  replay(handler: (letters: readonly DeadLetter[]) => Promise<void>): Promise<ReplaySummary>;
  close(): Promise<void>;
}
