import type { LogFields, Logger } from '../../shared/logger.port';

/**
 * Logs a recurring warning at most once per interval, with how many were suppressed. A cache
 * outage fails every request; one line per request would bury the log at serving rates.
 */
export class ThrottledWarning {
  private lastAt = Number.NEGATIVE_INFINITY;
  private suppressed = 0;

  constructor(
    private readonly logger: Logger,
    private readonly message: string,
    private readonly intervalMs = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  warn(fields: LogFields): void {
    const now = this.now();
    if (now - this.lastAt < this.intervalMs) {
      this.suppressed += 1;
      return;
    }
    this.logger.warn(this.message, { ...fields, suppressedSinceLast: this.suppressed });
    this.lastAt = now;
    this.suppressed = 0;
  }
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
