import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { EmbeddedOnlineStore } from '../../src/store/embedded/embedded-online-store';
import type { OnlineStore } from '../../src/store/online-store.port';
import { describeOnlineStoreContract, type OnlineStoreHarness } from './online-store.contract';

async function openHarness(): Promise<OnlineStoreHarness & { dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'c360-store-'));
  const opened: OnlineStore[] = [];
  const reopen = async () => {
    const store = await EmbeddedOnlineStore.open(dir);
    opened.push(store);
    return store;
  };
  const store = await reopen();
  return {
    dir,
    store,
    reopen,
    cleanup: async () => {
      await Promise.all(opened.map((each) => each.close()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

describeOnlineStoreContract('embedded (lmdb)', openHarness);

function runChild(args: string[]): Promise<number> {
  const child = spawn(process.execPath, [join(__dirname, 'support', 'embedded-writer.child.js'), ...args], { stdio: ['ignore', 'inherit', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => resolve(code ?? -1));
  });
}

describe('embedded online store across processes', () => {
  it('sees another process write while reading, and concurrent writers never roll a value back', async () => {
    const harness = await openHarness();
    const { store } = harness;
    const entity = 'shared-customer';
    const count = 200;
    try {
      const child = runChild([harness.dir, entity, String(count)]);
      let exited = false;
      const exitCode = child.then((code) => {
        exited = true;
        return code;
      });
      const seen: number[] = [];
      for (let step = 0; !exited || step < count; step += 1) {
        // This process writes the even event times of `contested`, also newest first.
        if (step < count) await store.writeBatch([{ entityKey: entity, eventTime: 2 * (count - step), features: { contested: `parent-${step}` } }]);
        const progress = (await store.read([entity], ['progress'])).get(entity)?.get('progress')?.value;
        if (typeof progress === 'number') seen.push(progress);
        await new Promise((resolve) => setImmediate(resolve));
      }
      assert.equal(await exitCode, 0);
      assert.ok(seen.every((value, index) => index === 0 || value >= seen[index - 1]), 'a reader never sees progress go backwards');
      assert.ok(new Set(seen).size > 1, `the reader saw the writer's progress while it ran (saw ${new Set(seen).size} distinct values)`);
      const final = (await store.read([entity])).get(entity);
      assert.deepEqual(final?.get('progress'), { value: count - 1, eventTime: count - 1 });
      assert.deepEqual(final?.get('contested'), { value: 'parent-0', eventTime: 2 * count });
    } finally {
      await harness.cleanup();
    }
  });
});
