import type { Writable } from 'node:stream';

/**
 * Writes one JSON document per line, waiting when the stream's buffer is full, so exporting a
 * million customers to a slow pipe does not queue them all in memory.
 */
export function jsonLines(stream: Writable): (value: unknown) => Promise<void> {
  return async (value) => {
    if (stream.write(`${JSON.stringify(value)}\n`)) return;
    await new Promise<void>((resolve) => stream.once('drain', resolve));
  };
}
