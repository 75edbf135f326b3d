/** How far one partition's committed position trails its end, in the bus's own unit. */
export interface PartitionLag {
  topic: string;
  partition: number;
  lag: number;
}

/** Reads a consumer group's lag; sampled when /metrics is scraped. */
export interface LagProbe {
  /** `messages` for Kafka offsets, `bytes` for the embedded bus's byte positions. */
  readonly unit: 'messages' | 'bytes';
  lag(): Promise<PartitionLag[]>;
  close(): Promise<void>;
}
