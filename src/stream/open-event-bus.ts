import path from 'node:path';
import type { AppConfig } from '../config/app-config';
import type { Logger } from '../shared/logger.port';
import { EmbeddedEventBus } from './embedded/embedded-event-bus';
import type { EventBus } from './event-bus.port';
import { KafkaEventBus } from './kafka/kafka-event-bus';

/** The embedded bus's folder. */
export function embeddedBusDir(config: AppConfig): string {
  return path.join(config.home, 'bus');
}

/**
 * The event bus the configuration selects: files under `$C360_HOME/bus`, or Kafka. Topics it
 * creates get C360_STREAM_PARTITIONS partitions; a Kafka subscription consumes as many partitions
 * at once as that, each still in order.
 */
export async function openEventBus(config: AppConfig, logger?: Logger): Promise<EventBus> {
  const partitions = config.stream.partitions;
  switch (config.adapters.bus) {
    case 'embedded':
      return EmbeddedEventBus.open(embeddedBusDir(config), { logger, partitions });
    case 'kafka':
      return KafkaEventBus.connect(config.kafka, { logger, numPartitions: partitions, partitionsConsumedConcurrently: partitions });
  }
}
