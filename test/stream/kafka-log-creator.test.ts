import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { logLevel } from 'kafkajs';
import { kafkaLogCreator } from '../../src/stream/kafka/kafka-log-creator';
import type { LogFields, Logger } from '../../src/shared/logger.port';

function memory(): { logger: Logger; lines: [string, string, LogFields | undefined][] } {
  const lines: [string, string, LogFields | undefined][] = [];
  const at = (level: string) => (message: string, fields?: LogFields) => void lines.push([level, message, fields]);
  return { logger: { info: at('info'), warn: at('warn'), error: at('error') }, lines };
}

describe('kafkajs log routing', () => {
  it('maps levels, keeps scalar fields only and demotes routine broker responses', () => {
    const { logger, lines } = memory();
    const log = kafkaLogCreator(logger)(logLevel.WARN);
    const timestamp = '2026-01-01T00:00:00.000Z';
    log({ namespace: 'BrokerPool', level: logLevel.ERROR, label: 'ERROR', log: { timestamp, message: 'Failed to connect', retryCount: 5, stack: 'at …', error: new Error('ECONNREFUSED'), nested: { a: 1 } } });
    log({ namespace: 'Runner', level: logLevel.WARN, label: 'WARN', log: { timestamp, message: 'The group is rebalancing, re-joining', groupId: 'g' } });
    log({ namespace: 'Connection', level: logLevel.ERROR, label: 'ERROR', log: { timestamp, message: 'Response Heartbeat(key: 12, version: 3)', error: 'The group is rebalancing' } });
    assert.deepEqual(lines, [
      ['error', 'Failed to connect', { component: 'kafkajs', namespace: 'BrokerPool', retryCount: 5, error: 'ECONNREFUSED' }],
      ['warn', 'The group is rebalancing, re-joining', { component: 'kafkajs', namespace: 'Runner', groupId: 'g' }],
      ['info', 'Response Heartbeat(key: 12, version: 3)', { component: 'kafkajs', namespace: 'Connection', error: 'The group is rebalancing' }],
    ]);
  });
});
