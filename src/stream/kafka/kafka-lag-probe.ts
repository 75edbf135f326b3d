import { Kafka, logLevel, type Admin } from 'kafkajs';
import type { AppConfig } from '../../config/app-config';
import { silentLogger, type Logger } from '../../shared/logger.port';
import type { LagProbe, PartitionLag } from '../metrics/lag-probe.port';
import { kafkaLogCreator } from './kafka-log-creator';

/** Consumer lag in messages: each partition's high watermark minus the group's committed offset. */
export class KafkaLagProbe implements LagProbe {
  readonly unit = 'messages';
  private connected: Promise<void> | undefined;

  private constructor(
    private readonly admin: Admin,
    private readonly group: string,
    private readonly topics: readonly string[],
  ) {}

  static create(config: AppConfig['kafka'], group: string, topics: readonly string[], logger: Logger = silentLogger): KafkaLagProbe {
    const kafka = new Kafka({ clientId: `${config.clientId}-lag`, brokers: [...config.brokers], logLevel: logLevel.WARN, logCreator: kafkaLogCreator(logger) });
    return new KafkaLagProbe(kafka.admin(), group, topics);
  }

  async lag(): Promise<PartitionLag[]> {
    this.connected ??= this.admin.connect().catch((error: unknown) => {
      this.connected = undefined;
      throw error;
    });
    await this.connected;
    const committed = await this.admin.fetchOffsets({ groupId: this.group, topics: [...this.topics] });
    const lags: PartitionLag[] = [];
    for (const topic of this.topics) {
      const ends = await this.admin.fetchTopicOffsets(topic);
      const positions = committed.find((entry) => entry.topic === topic)?.partitions ?? [];
      for (const end of ends) {
        const position = Number(positions.find((p) => p.partition === end.partition)?.offset ?? '-1');
        // No commit yet: the group starts from the beginning, so all that is retained is lag.
        lags.push({ topic, partition: end.partition, lag: Math.max(0, Number(end.high) - (position < 0 ? Number(end.low) : position)) });
      }
    }
    return lags;
  }

  async close(): Promise<void> {
    if (this.connected) await this.admin.disconnect();
  }
}
