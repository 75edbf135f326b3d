import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { EmbeddedIdentityStore } from '../../../src/identity/embedded/embedded-identity-store';
import { IncrementalStitcher } from '../../../src/identity/incremental/incremental-stitcher';
import { CompiledRules, DEFAULT_RULES } from '../../../src/identity/rules/identity-rules';
import { prng } from '../incremental/support/random-records';
import { RecordLake, streamIdentifiersOf, type FixtureEvent } from '../support/record-lake';
import { lineageProblems, storeProblems } from '../support/store-problems';

// Seeds FIRST.. FIRST+CASES-1, each four rounds of up to ten stitches (about 6 s a seed). Seed 8 found two
// defects: un-merged sides joined again (a union-find that lost a side when the larger component
// absorbed it), then an account's customer kept from its account by a side it had only picked up
// identifiers of (see chooseComponents), which the next batch re-pointed, so a re-run wrote.
const CASES = Number(process.env.C360_PROPERTY_CASES ?? 4);
const FIRST = Number(process.env.C360_PROPERTY_FIRST_SEED ?? 5);
const NOTHING_WRITTEN = { assigned: 0, unassigned: 0, customersWritten: 0, merges: 0, undoneMerges: 0, repointedCustomers: 0, rebasedUnits: 0, deferredUnits: 0, deferredCustomers: 0, removedCustomers: 0 };

/** Events of a few people: shared tablets, second accounts logging in, a shared email, aliases across people. */
function randomEvents(random: () => number, seed: number, people: number) {
  let count = 0;
  return (day: string): FixtureEvent => {
    const person = Math.floor(random() * people);
    const minute = Math.floor(random() * 600);
    const at = `${day}T${String(8 + Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}:00Z`;
    const event: FixtureEvent = { at, anonymousId: `a${person}-${Math.floor(random() * 3)}`, messageId: `m${seed}-${String(++count).padStart(4, '0')}` };
    if (random() < 0.7) event.deviceId = random() < 0.3 ? `tablet-${person % 2}` : `d${person}-${Math.floor(random() * 2)}`;
    const kind = random();
    if (kind < 0.4) {
      event.type = 'identify';
      event.userId = random() < 0.3 ? `u${(person + 1) % people}` : `u${person}`;
      if (random() < 0.5) event.traits = { email: random() < 0.2 ? 'family@example.com' : `p${person}@example.com` };
    } else if (kind < 0.55) {
      event.type = 'alias';
      event.previousId = `a${Math.floor(random() * people)}-${Math.floor(random() * 3)}`;
      if (random() < 0.5) event.userId = `u${person}`;
    }
    return event;
  };
}

/** Every guarantee broken in the rounds of these seeds, as one line each. */
async function roundFailures(seeds: readonly number[]): Promise<string[]> {
  const failures: string[] = [];
  for (const seed of seeds) {
    const random = prng(seed * 31337);
    const event = randomEvents(random, seed, 3 + Math.floor(random() * 3));
    const lake = new RecordLake().events(...Array.from({ length: 8 + Math.floor(random() * 6) }, () => event('2026-03-01')));
    const storeDir = mkdtempSync(path.join(os.tmpdir(), 'c360-rounds-'));
    const store = await EmbeddedIdentityStore.open(storeDir);
    let now = 1_000;
    const steps: string[] = [];
    const check = async (when: string) => {
      for (const problem of [...(await storeProblems(store)), ...(await lineageProblems(store))]) failures.push(`seed ${seed}, ${when} [${steps.join(' ')}]: ${problem}`);
    };
    try {
      await lake.stitch({ store, now: () => (now += 100) });
      steps.push('batch');
      const notInLakeYet: FixtureEvent[] = [];
      for (let round = 0; round < 4; round++) {
        const streamed = Array.from({ length: 3 + Math.floor(random() * 6) }, () => event(`2026-03-0${2 + round}`)).sort((a, b) => a.at.localeCompare(b.at));
        const stitcher = new IncrementalStitcher(store, new CompiledRules(DEFAULT_RULES), { now: () => (now += 10) });
        for (const streamedEvent of streamed) {
          await stitcher.stitch([{ source: 'clickstream', recordId: streamedEvent.messageId ?? '', time: Date.parse(streamedEvent.at), identifiers: streamIdentifiersOf(streamedEvent) }]);
        }
        steps.push(`stream${streamed.length}`);
        await check(`round ${round} after the stream`);
        notInLakeYet.push(...streamed);
        if (random() < 0.5) {
          // An operator un-merges one merge in force that brought something.
          const inForce = [];
          for await (const page of store.scanMerges()) inForce.push(...page.filter((merge) => merge.undoneAt === null && merge.identifiers.length > 0));
          const merge = inForce.sort((a, b) => a.mergeId.localeCompare(b.mergeId))[Math.floor(random() * inForce.length)];
          const undone = merge ? await stitcher.unmerge(merge.mergeId).catch(() => undefined) : undefined;
          if (merge && undone) {
            steps.push(`unmerge-${merge.via}${undone.survivorRetiredInto ? '-retired' : ''}`);
            await check(`round ${round} after an un-merge of a ${merge.via} merge`);
          }
        }
        // The lake catches up with part of what the stream saw, and gets late records of the first day.
        const caught = notInLakeYet.filter(() => random() < 0.6);
        const late = Array.from({ length: Math.floor(random() * 3) }, () => event('2026-03-01'));
        lake.events(...caught, ...late);
        for (const caughtEvent of caught) notInLakeYet.splice(notInLakeYet.indexOf(caughtEvent), 1);
        await lake.stitch({ store, now: () => (now += 100) });
        steps.push(`batch(+${caught.length} caught up, +${late.length} late)`);
        await check(`round ${round} after the batch`);
        const again = await lake.stitch({ store, now: () => (now += 100) });
        if (JSON.stringify(again.summary.store) !== JSON.stringify(NOTHING_WRITTEN)) failures.push(`seed ${seed}, round ${round} [${steps.join(' ')}]: a re-run wrote ${JSON.stringify(again.summary.store)}`);
      }
    } catch (error) {
      failures.push(`seed ${seed} [${steps.join(' ')}]: threw ${error instanceof Error ? error.stack : String(error)}`);
    } finally {
      await store.close();
      await lake.close();
      rmSync(storeDir, { recursive: true, force: true });
    }
  }
  return failures;
}

describe('rounds of stream events, un-merges, late lake records and batch stitches (property)', () => {
  it('keep every guarantee: un-merged sides stay apart, records agree with assignments, lineage holds, a re-run writes nothing', { timeout: 1_800_000 }, async () => {
    assert.deepEqual(await roundFailures(Array.from({ length: CASES }, (_, index) => FIRST + index)), []);
  });
});
