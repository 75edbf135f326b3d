import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EmbeddedIdentityStore } from '../../../src/identity/embedded/embedded-identity-store';
import type { RecordLake } from './record-lake';

/** Runs `work` on a lake and an embedded identity store of its own, and removes both afterwards. */
export async function withStoreAndLake(lake: RecordLake, work: (store: EmbeddedIdentityStore) => Promise<void>): Promise<void> {
  const storeDir = mkdtempSync(path.join(os.tmpdir(), 'c360-identity-store-'));
  const store = await EmbeddedIdentityStore.open(storeDir);
  try {
    await work(store);
  } finally {
    await store.close();
    await lake.close();
    rmSync(storeDir, { recursive: true, force: true });
  }
}
