import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { action } from '../../src/cli/cli-context';
import { jsonLines, OutputClosedError } from '../../src/features/json-lines';

/** A stream whose reader is gone: every write fails as a closed pipe does. */
function closedPipe(): Writable {
  return new Writable({ highWaterMark: 1, write: (_chunk, _encoding, done) => done(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' })) });
}

describe('JSON lines to a stream (exports)', () => {
  it('writes one document per line and waits for a slow reader', async () => {
    const received: string[] = [];
    const slow = new Writable({ highWaterMark: 1, write: (chunk: Buffer, _encoding, done) => setTimeout(() => (received.push(chunk.toString()), done()), 1) });
    const line = jsonLines(slow);
    for (let index = 0; index < 5; index++) await line({ index });
    assert.deepEqual(received.join(''), [0, 1, 2, 3, 4].map((index) => `{"index":${index}}\n`).join(''));
  });

  it('rejects every write once the reader went away, instead of crashing or hanging', async () => {
    const line = jsonLines(closedPipe());
    await assert.rejects(line({ a: 1 }), OutputClosedError);
    await assert.rejects(line({ a: 2 }), OutputClosedError);
  });

  it('ends a command quietly when its reader went away: it has what it wanted', async () => {
    const before = process.exitCode;
    await action(async () => jsonLines(closedPipe())({ a: 1 }))();
    assert.equal(process.exitCode, before);
  });

  it('a real pipe closed by its reader: the export stops with status 0 and no stack trace', async () => {
    // A child writing many lines into a pipe whose reader closes after the first chunk (as `| head -1`).
    const script = `const { action } = require(${JSON.stringify(require.resolve('../../src/cli/cli-context'))});
      const { jsonLines } = require(${JSON.stringify(require.resolve('../../src/features/json-lines'))});
      action(async () => { const line = jsonLines(process.stdout); for (let i = 0; i < 1e6; i++) await line({ i, padding: 'x'.repeat(100) }); throw new Error('the reader never closed'); })();`;
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.once('data', () => child.stdout.destroy());
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(stderr, '');
    assert.equal(status, 0);
  });
});
