// Child process of syncStore: writes a batch stitch's changes (argv[3], the StoreSyncFiles as JSON,
// at time argv[4]) into the embedded identity store in the folder argv[2] and prints the summary
// as JSON. Its own process, so the store's memory map is released when it exits.
import { EmbeddedIdentityStore } from '../embedded/embedded-identity-store';
import { syncStoreHere, type StoreSyncFiles } from './store-sync';

async function main(storeDir: string | undefined, files: string | undefined, now: string | undefined): Promise<void> {
  if (!storeDir || !files || !now) throw new Error('usage: sync-store.child <store folder> <files as JSON> <epoch ms>');
  const store = await EmbeddedIdentityStore.open(storeDir);
  try {
    process.stdout.write(JSON.stringify(await syncStoreHere(store, JSON.parse(files) as StoreSyncFiles, Number(now))));
  } finally {
    await store.close();
  }
}

main(process.argv[2], process.argv[3], process.argv[4]).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
