// Child process of runEmbeddedStoreChild: opens the embedded identity store in the folder argv[3],
// runs one command on it and prints the result as JSON. Its own process, so the store's memory map
// is released when it exits.
//   export-assignments <store folder> <output folder>   exportPreviousState's assignments file
//   export-customers <store folder> <output folder>     exportPreviousState's customers and separations files
//   sync <store folder> <StoreSyncFiles as JSON> <epoch ms> <IdentityRules as JSON>   syncStore's summary
import { EmbeddedIdentityStore } from '../embedded/embedded-identity-store';
import { exportAssignments, exportCustomers } from './previous-state';
import { syncStoreHere, type StoreSyncFiles } from './store-sync';
import { CompiledRules, type IdentityRules } from '../rules/identity-rules';

const COMMANDS: Record<string, (store: EmbeddedIdentityStore, args: string[]) => Promise<unknown>> = {
  'export-assignments': (store, [dir]) => exportAssignments(store, required(dir)),
  // Tells the parent once its snapshot of the customers is taken: the assignments are read after it (see exportPreviousState).
  'export-customers': (store, [dir]) => exportCustomers(store, required(dir), () => process.send?.('snapshot')),
  sync: (store, [files, now, rules]) =>
    syncStoreHere(store, JSON.parse(required(files)) as StoreSyncFiles, Number(required(now)), new CompiledRules(JSON.parse(required(rules)) as IdentityRules)),
};

const USAGE = 'usage: embedded-store.child <export-assignments|export-customers|sync> <store folder> <arguments>';

function required(value: string | undefined): string {
  if (value === undefined || value === '') throw new Error(USAGE);
  return value;
}

async function main([command, storeDir, ...args]: string[]): Promise<void> {
  const run = Object.hasOwn(COMMANDS, command ?? '') ? COMMANDS[command ?? ''] : undefined;
  if (!run) throw new Error(USAGE);
  const store = await EmbeddedIdentityStore.open(required(storeDir));
  try {
    process.stdout.write(JSON.stringify(await run(store, args)));
  } finally {
    await store.close();
    // The channel would keep this process alive once its work is done.
    if (process.connected) process.disconnect();
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
