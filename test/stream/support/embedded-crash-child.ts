// A consumer process for embedded-durability.test: handles batches of 5, recording each value in
// a file, and is killed (SIGKILL, no cleanup at all) in the middle of its third batch.
import { appendFileSync } from 'node:fs';
import { EmbeddedEventBus } from '../../../src/stream/embedded/embedded-event-bus';

async function main(): Promise<void> {
  const [dir, topic, group, handledFile] = process.argv.slice(2);
  const bus = await EmbeddedEventBus.open(dir, { maxBatchSize: 5 });
  let batches = 0;
  await bus.subscribe({ group, topics: [topic], fromBeginning: true }, async (batch) => {
    for (const message of batch) appendFileSync(handledFile, `${message.value}\n`);
    if (++batches === 3) process.kill(process.pid, 'SIGKILL');
  });
}

void main();
