import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedIdentityStore } from '../../../src/identity/embedded/embedded-identity-store';
import type { IdentityStore } from '../../../src/identity/identity-store.port';
import { describeIdentityStoreContract } from './identity-store.contract';

describeIdentityStoreContract('embedded (lmdb)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'c360-identity-store-'));
  const opened: IdentityStore[] = [];
  const reopen = async () => {
    const store = await EmbeddedIdentityStore.open(dir);
    opened.push(store);
    return store;
  };
  const store = await reopen();
  return {
    store,
    reopen,
    cleanup: async () => {
      await Promise.all(opened.map((each) => each.close()));
      await rm(dir, { recursive: true, force: true });
    },
  };
});
