// Child process of exportPreviousState: writes the state of the embedded identity store in the
// folder argv[2] into the folder argv[3] and prints the files it wrote as JSON. Its own process,
// so the store's memory map is released when it exits (see exportPreviousState).
import { EmbeddedIdentityStore } from '../embedded/embedded-identity-store';
import { exportFromStore } from './previous-state';

async function main(storeDir: string | undefined, dir: string | undefined): Promise<void> {
  if (!storeDir || !dir) throw new Error('usage: export-previous-state.child <store folder> <output folder>');
  const store = await EmbeddedIdentityStore.open(storeDir);
  try {
    process.stdout.write(JSON.stringify(await exportFromStore(store, dir)));
  } finally {
    await store.close();
  }
}

main(process.argv[2], process.argv[3]).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
