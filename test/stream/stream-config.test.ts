import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { ConfigError } from '../../src/config/config.error';
import { loadConfig } from '../../src/config/load-config';
import { eventTopics } from '../../src/stream/stream-config';
import { topicFor } from '../../src/stream/topic-routing';

function problems(env: Record<string, string>): Array<{ variable: string; got: string }> {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.problems.map(({ variable, got }) => ({ variable, got }));
  }
}

describe('stream configuration', () => {
  it('defaults: the development write key in the embedded profile, none in production (every call refused)', () => {
    assert.equal(loadConfig({}).stream.usingDevWriteKey, true);
    const production = loadConfig({ C360_PROFILE: 'production', C360_API_KEYS: JSON.stringify([{ name: 'x', key: 'k'.repeat(20), scopes: ['admin'] }]), C360_ATHENA_OUTPUT_LOCATION: 's3://b/p/', C360_IDENTITY_ID_SALT: 'a-secret-salt-of-24-chars' });
    assert.deepEqual(production.stream.writeKeys, []);
    assert.equal(production.stream.maxRequestBytes, 512_000);
    assert.equal(production.stream.rateLimitPerSecond, 0);
  });

  it('routes topics by event name, then call type, then the default, as the RudderStack Kafka destination does', () => {
    const { topics } = loadConfig({ C360_STREAM_TOPIC: 'events', C360_STREAM_TOPICS_BY_TYPE: 'identify=ids,alias=ids', C360_STREAM_TOPICS_BY_EVENT: 'Order Completed=orders' }).stream;
    assert.equal(topicFor({ type: 'track', event: 'Order Completed' }, topics), 'orders');
    assert.equal(topicFor({ type: 'track', event: 'Product Added' }, topics), 'events');
    assert.equal(topicFor({ type: 'alias' }, topics), 'ids');
    assert.deepEqual(eventTopics(topics).sort(), ['events', 'ids', 'orders']);
  });

  it('names every bad stream variable at once and never echoes write keys', () => {
    const found = problems({
      C360_WRITE_KEYS: JSON.stringify([{ name: 'web', key: 'short' }]),
      C360_COLLECTOR_MAX_REQUEST_BYTES: '10',
      C360_STREAM_TOPIC: 'bad topic',
      C360_STREAM_TOPICS_BY_TYPE: 'nonsense=t',
      C360_STREAM_PARTITIONS: '0',
      C360_STREAM_CONSUME: 'maybe',
    });
    assert.deepEqual(found.map((problem) => problem.variable).sort(), [
      'C360_COLLECTOR_MAX_REQUEST_BYTES',
      'C360_STREAM_CONSUME',
      'C360_STREAM_PARTITIONS',
      'C360_STREAM_TOPIC',
      'C360_STREAM_TOPICS_BY_TYPE',
      'C360_WRITE_KEYS',
    ]);
    assert.equal(found.find((problem) => problem.variable === 'C360_WRITE_KEYS')?.got, '(hidden)');
  });
});
