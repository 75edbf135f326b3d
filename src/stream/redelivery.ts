import type { Logger } from '../shared/logger.port';

/** Which delivery failed, for the optional `onError` callback of both adapters. */
export interface DeliveryFailure {
  group: string;
  topic: string;
  partition: number;
  /** Offset of the first message of the rejected batch (it will be delivered again). */
  firstOffset: string;
  /** 1 for the first failure of this batch, 2 for its first redelivery failing, … */
  attempt: number;
}

/** Called when a handler rejects; the batch is redelivered after a backoff either way. */
export type DeliveryErrorListener = (error: unknown, failure: DeliveryFailure) => void;

/** Delay before redelivering a rejected batch: doubles per attempt from `initialMs` up to `maxMs`. */
export interface RetryBackoff {
  initialMs: number;
  maxMs: number;
}

export const DEFAULT_RETRY_BACKOFF: RetryBackoff = { initialMs: 200, maxMs: 10_000 };

export function backoffDelay(attempt: number, backoff: RetryBackoff): number {
  return Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.max(0, attempt - 1));
}

/** Reports a rejected batch: to `onError` when given, otherwise as a warning (never silently). */
export function reportDeliveryFailure(error: unknown, failure: DeliveryFailure, onError: DeliveryErrorListener | undefined, logger: Logger): void {
  if (onError) {
    try {
      onError(error, failure);
    } catch (listenerError) {
      // A throwing listener must not stop redelivery; say so once, then carry on.
      logger.error('event bus onError listener threw', { error: errorMessage(listenerError) });
    }
    return;
  }
  logger.warn('event handler rejected a batch; it will be redelivered', { ...failure, error: errorMessage(error) });
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Resolves after `ms`, or early (without error) when `signal` aborts, so stop() never waits out a backoff. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
