import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { EmbeddedIdentityStore } from '../../../src/identity/embedded/embedded-identity-store';
import type { Identifier } from '../../../src/identity/identifier';
import { IdentityConflictError } from '../../../src/identity/identity-store.port';
import { IncrementalStitcher } from '../../../src/identity/incremental/incremental-stitcher';
import { CompiledRules, DEFAULT_RULES } from '../../../src/identity/rules/identity-rules';
import { prng } from '../incremental/support/random-records';
import { RecordLake, type FixtureEvent } from '../support/record-lake';
import { lineageProblems, storeProblems } from '../support/store-problems';

// Each case runs three stitches beside a stream (a few seconds); C360_PROPERTY_CASES raises the count.
const CASES = Number(process.env.C360_PROPERTY_CASES ?? 2);

const identifiersOf = (event: FixtureEvent): Identifier[] => [
  ...(event.userId === undefined ? [] : [{ type: 'user_id', value: event.userId }]),
  ...(event.deviceId === undefined ? [] : [{ type: 'device_id', value: event.deviceId }]),
  { type: 'anonymous_id', value: event.anonymousId },
];

/**
 * The embedded store as production uses it (its export and sync in child processes, the export's
 * snapshot signal), with the stream writing the whole time a daily stitch runs; the wrappers of
 * stitch-beside-the-stream.test.ts place one write exactly, but take the in-process path.
 */
describe('a daily stitch into the embedded store while the stream writes all along', () => {
  it('leaves the store consistent, and a quiet stitch after it defers nothing and a second writes nothing', async () => {
    const failures: string[] = [];
    for (let seed = 1; seed <= CASES; seed++) {
      const random = prng(seed * 31 + 7);
      let made = 0;
      // Forty people, a few shared tablets, and a second account on a household's devices now and then.
      const event = (day: string): FixtureEvent => {
        const person = Math.floor(random() * 40);
        const next: FixtureEvent = {
          at: `${day}T10:${String(Math.floor(random() * 60)).padStart(2, '0')}:00Z`,
          anonymousId: `a${person}-${Math.floor(random() * 3)}`,
          deviceId: random() < 0.3 ? `tablet-${person % 5}` : `d${person}`,
          messageId: `m${seed}-${++made}`,
        };
        if (random() < 0.4) Object.assign(next, { type: 'identify', userId: `u${person}${random() < 0.2 ? 'b' : ''}` });
        return next;
      };
      const lake = new RecordLake().events(...Array.from({ length: 200 }, () => event('2026-03-01')));
      const dir = mkdtempSync(path.join(os.tmpdir(), 'c360-stitch-running-stream-'));
      const store = await EmbeddedIdentityStore.open(dir);
      const stitcher = new IncrementalStitcher(store, new CompiledRules(DEFAULT_RULES));
      try {
        await lake.stitch({ store, now: () => 1_000 });
        lake.events(...Array.from({ length: 100 }, () => event('2026-03-02')));
        let running = true;
        let streamed = 0;
        const stream = (async () => {
          while (running) {
            const next = event('2026-03-02');
            try {
              await stitcher.stitch([{ source: 'clickstream', recordId: next.messageId ?? '', time: Date.parse(next.at), identifiers: identifiersOf(next) }]);
              streamed++;
            } catch (error) {
              // The stream plans again on a conflict, a few times; beside a batch's pages it may run out of attempts.
              if (!(error instanceof IdentityConflictError)) throw error;
            }
            await new Promise((resolve) => setTimeout(resolve, random() * 3));
          }
        })();
        await lake.stitch({ store, now: () => Date.now() });
        running = false;
        await stream;
        if (streamed === 0) failures.push(`seed ${seed}: the stream wrote nothing while the stitch ran`);
        for (const problem of await storeProblems(store)) failures.push(`seed ${seed}, beside the stream: ${problem}`);
        const quiet = await lake.stitch({ store, now: () => Date.now() });
        if ((quiet.summary.store?.deferredUnits ?? 0) > 0) failures.push(`seed ${seed}: a stitch with no other writer deferred ${quiet.summary.store?.deferredUnits} units`);
        const again = await lake.stitch({ store, now: () => Date.now() });
        if ((again.summary.store?.customersWritten ?? 0) > 0) failures.push(`seed ${seed}: a second quiet stitch wrote ${again.summary.store?.customersWritten} customers`);
        for (const problem of [...(await storeProblems(store)), ...(await lineageProblems(store))]) failures.push(`seed ${seed}, after: ${problem}`);
      } finally {
        await store.close();
        await lake.close();
        rmSync(dir, { recursive: true, force: true });
      }
    }
    assert.deepEqual(failures, []);
  });
});
