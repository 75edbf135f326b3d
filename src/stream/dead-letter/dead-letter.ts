/** Where a dead letter was refused: at the HTTP collector, or by a consumer reading the bus. */
export type DeadLetterStage = 'collector' | 'consumer';

/**
 * An event that could not be accepted or applied, kept with why and exactly what arrived, so
 * `c360 stream replay-dead-letters` can put it through again after a fix (of code, configuration
 * or, for the folder adapter, the letter itself).
 */
export interface DeadLetter {
  stage: DeadLetterStage;
  /** A RejectionReason, or `processing_failed: <message>` for an event whose effects threw. */
  reason: string;
  /** The original text: one event's JSON, a whole request body that was not JSON, or a bus message value. */
  payload: string;
  /** Where it came from: the write key's source name and endpoint, or topic, partition, offset and key. */
  origin: Readonly<Record<string, string>>;
  /** When it was refused, ISO-8601. */
  at: string;
  /** 1 when first refused; replaying and failing again adds one. */
  attempts: number;
}

/** Parses a stored letter; undefined for anything that is not one (a torn line, a foreign message). */
export function parseDeadLetter(text: string): DeadLetter | undefined {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null) return undefined;
    const letter = value as Partial<DeadLetter>;
    const stageOk = letter.stage === 'collector' || letter.stage === 'consumer';
    if (!stageOk || typeof letter.reason !== 'string' || typeof letter.payload !== 'string' || typeof letter.at !== 'string' || typeof letter.attempts !== 'number') return undefined;
    const origin = typeof letter.origin === 'object' && letter.origin !== null ? letter.origin : {};
    return { stage: letter.stage as DeadLetter['stage'], reason: letter.reason, payload: letter.payload, origin, at: letter.at, attempts: letter.attempts };
  } catch {
    return undefined;
  }
}
