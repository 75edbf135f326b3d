import { strict as assert } from 'node:assert';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config/load-config';
import { EmbeddedEventBus } from '../../src/stream/embedded/embedded-event-bus';
import { KafkaEventBus } from '../../src/stream/kafka/kafka-event-bus';
import { openEventBus } from '../../src/stream/open-event-bus';
import { requireService, SERVICE_ADDRESSES } from '../support/services';

describe('openEventBus', async () => {
  it('opens the embedded bus under $C360_HOME/bus by default', async () => {
    const home = await mkdtemp(join(tmpdir(), 'c360-home-'));
    try {
      const bus = await openEventBus(loadConfig({ C360_HOME: home }));
      assert.ok(bus instanceof EmbeddedEventBus);
      await bus.close();
      assert.ok((await stat(join(home, 'bus', 'topics'))).isDirectory());
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });

  const { host, port } = SERVICE_ADDRESSES.kafka;
  it('connects to Kafka when C360_EVENT_BUS=kafka', await requireService('kafka'), async () => {
    const bus = await openEventBus(loadConfig({ C360_EVENT_BUS: 'kafka', C360_KAFKA_BROKERS: `${host}:${port}` }));
    assert.ok(bus instanceof KafkaEventBus);
    await bus.close();
  });
});
