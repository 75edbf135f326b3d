import { Writable } from 'node:stream';
import { JsonLogger } from '../../src/observability/json-logger';

/** A JsonLogger whose lines are kept in memory, so tests can assert what is (and is not) logged. */
export function memoryLogger(): { logger: JsonLogger; lines: () => string[] } {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString('utf8'));
      callback();
    },
  });
  return { logger: new JsonLogger('debug', {}, sink), lines: () => chunks.join('').split('\n').filter(Boolean) };
}
