import type { CollectorOutcome } from './collector-outcome';

/** What the collector reports for /metrics; the prom-client adapter implements it. */
export interface CollectorMetrics {
  /** One answered request. */
  request(status: CollectorOutcome['status']): void;
  /** Events stored and published, per write-key source. */
  accepted(source: string, count: number): void;
  /** Events refused (and dead-lettered) at the collector, per reason. */
  rejected(reason: string, count: number): void;
}

export const noCollectorMetrics: CollectorMetrics = {
  request: () => undefined,
  accepted: () => undefined,
  rejected: () => undefined,
};
