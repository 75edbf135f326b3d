import type { Writable } from 'node:stream';

/** The stream an export writes to was closed by its reader (`c360 identity export | head -1`): stop writing, nothing is wrong. */
export class OutputClosedError extends Error {
  constructor(cause: Error) {
    super(`the output was closed before the export ended (${cause.message})`, { cause });
    this.name = 'OutputClosedError';
  }
}

/**
 * Writes text to a stream, waiting when its buffer is full, so exporting a million customers to a
 * slow pipe does not queue them all in memory. Once the stream fails (a reader that went away:
 * EPIPE), every write rejects with OutputClosedError instead of the process dying of an unhandled
 * 'error' event, or waiting forever for a 'drain' that will not come.
 */
export function textLines(stream: Writable): (text: string) => Promise<void> {
  let failure: Error | undefined;
  stream.on('error', (error: Error) => {
    failure = error;
  });
  return async (text) => {
    if (failure) throw new OutputClosedError(failure);
    if (stream.write(text)) return;
    await new Promise<void>((resolve, reject) => {
      const settle = () => {
        stream.off('drain', settle);
        stream.off('error', settle);
        if (failure) reject(new OutputClosedError(failure));
        else resolve();
      };
      stream.on('drain', settle);
      stream.on('error', settle);
    });
  };
}

/** One JSON document per line (see textLines). */
export function jsonLines(stream: Writable): (value: unknown) => Promise<void> {
  const write = textLines(stream);
  return (value) => write(`${JSON.stringify(value)}\n`);
}
