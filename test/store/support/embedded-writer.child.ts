// A second OS process writing to an embedded store while the test process reads and writes it.
// Usage: node embedded-writer.child.js <dir> <entityKey> <count>
import { EmbeddedOnlineStore } from '../../../src/store/embedded/embedded-online-store';

async function main(): Promise<void> {
  const [dir, entityKey, countText] = process.argv.slice(2);
  const count = Number(countText);
  const store = await EmbeddedOnlineStore.open(dir);
  try {
    for (let step = 0; step < count; step += 1) {
      // `progress` only grows; `contested` gets this process's odd event times in descending order,
      // so a writer that did not compare inside its transaction would roll the parent's values back.
      await store.writeBatch([
        { entityKey, eventTime: step, features: { progress: step } },
        { entityKey, eventTime: 2 * (count - step) - 1, features: { contested: `child-${step}` } },
      ]);
    }
  } finally {
    await store.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
