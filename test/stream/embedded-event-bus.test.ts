import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedEventBus, type EmbeddedEventBusOptions } from '../../src/stream/embedded/embedded-event-bus';
import type { EventBus } from '../../src/stream/event-bus.port';
import { describeEventBusContract } from './event-bus.contract';

const TEST_OPTIONS: EmbeddedEventBusOptions = { partitions: 3, retryBackoff: { initialMs: 20, maxMs: 200 }, onError: () => undefined };

describeEventBusContract('embedded event bus contract', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'c360-bus-'));
  const opened: EventBus[] = [];
  const open = async () => {
    const bus = await EmbeddedEventBus.open(dir, TEST_OPTIONS);
    opened.push(bus);
    return bus;
  };
  return {
    bus: await open(),
    topicPrefix: 'contract',
    reopen: open,
    cleanup: async () => {
      await Promise.all(opened.map((bus) => bus.close()));
      await rm(dir, { recursive: true, force: true });
    },
  };
});
