import type { ClickstreamEvent } from './clickstream-event';
import type { StreamTopics } from './stream-config';

/** The topic of an event, as the RudderStack Kafka destination routes it: event name, then call type, then the default. */
export function topicFor(event: Pick<ClickstreamEvent, 'type' | 'event'>, topics: StreamTopics): string {
  if (event.type === 'track' && typeof event.event === 'string') {
    const byEvent = topics.byEvent[event.event];
    if (byEvent !== undefined) return byEvent;
  }
  return topics.byType[event.type] ?? topics.events;
}
