import type { EventBus } from '../../stream/event-bus.port';

/** One entry or exit, as ad-platform connectors consume it. */
export interface SegmentChange {
  segmentId: string;
  customerId: string;
  change: 'entered' | 'exited';
  /** When the membership changed (ISO-8601 UTC). */
  at: string;
  /** `stream`: a streamed feature change; the daily run's changes are in the features zone (`segments changes`). */
  source: 'stream';
}

/** Where real-time entries and exits go. */
export interface SegmentChangeSink {
  publish(changes: readonly SegmentChange[]): Promise<void>;
}

/** The change feed topic on the event bus (Kafka in production), keyed by customer so a customer's changes stay in order. */
export const SEGMENT_CHANGES_TOPIC = 'c360.segment-changes';

export class BusSegmentChangeSink implements SegmentChangeSink {
  constructor(
    private readonly bus: EventBus,
    private readonly topic = SEGMENT_CHANGES_TOPIC,
  ) {}

  async publish(changes: readonly SegmentChange[]): Promise<void> {
    if (changes.length === 0) return;
    await this.bus.publish(changes.map((change) => ({ topic: this.topic, key: change.customerId, value: JSON.stringify(change) })));
  }
}
