import type { IHeaders, KafkaMessage, Message } from 'kafkajs';
import type { DeliveredMessage, OutgoingMessage } from '../event-bus.port';

export function toKafkaMessage(message: OutgoingMessage): Message {
  return { key: message.key, value: message.value, headers: message.headers ? { ...message.headers } : undefined };
}

/**
 * Records written by other producers may lack a key or a value (a tombstone); the port has
 * strings only, so those read as ''.
 */
export function fromKafkaMessage(topic: string, partition: number, message: KafkaMessage): DeliveredMessage {
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key?.toString('utf8') ?? '',
    value: message.value?.toString('utf8') ?? '',
    headers: decodeHeaders(message.headers),
  };
}

function decodeHeaders(headers: IHeaders | undefined): Record<string, string> {
  const decoded: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    // Kafka allows a header name twice (kafkajs then gives an array); like Kafka's lastHeader(), the last wins.
    const last = Array.isArray(value) ? value[value.length - 1] : value;
    if (last !== undefined) decoded[name] = typeof last === 'string' ? last : last.toString('utf8');
  }
  return decoded;
}
