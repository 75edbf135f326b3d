/** What the consumers report for /metrics; the prom-client adapter implements it. */
export interface ConsumerMetrics {
  /** Events applied, per topic. */
  applied(topic: string, count: number): void;
  /** Messages dead-lettered by the consumers, per reason. */
  deadLettered(reason: string, count: number): void;
  /** Seconds one delivered batch took, from delivery to stored effects. */
  batchSeconds(seconds: number): void;
  /** Seconds from an event's acceptance (receivedAt) to its effect being stored. */
  effectLatencySeconds(seconds: number): void;
}

export const noConsumerMetrics: ConsumerMetrics = {
  applied: () => undefined,
  deadLettered: () => undefined,
  batchSeconds: () => undefined,
  effectLatencySeconds: () => undefined,
};
