import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { materializeFeatures } from '../../../src/features/materialize-features';
import { shiftDay } from '../../../src/features/sql/as-of';
import { stitchLake } from '../../../src/identity/batch/stitch-lake';
import { writeStitchedClickstream } from '../../../src/identity/events/stitched-clickstream';
import { DuckDbLakeEngine } from '../../../src/lake/duckdb/duckdb-lake-engine';
import { generateLake, type GenerateSummary } from '../../../src/lake/generator/generate-lake';
import { SeedSpace } from '../../../src/lake/generator/prng';
import { LakeLayout } from '../../../src/lake/lake-layout';
import { sqlString } from '../../../src/lake/lake-relation';
import { processLake } from '../../../src/lake/processing/process-lake';
import { silentLogger } from '../../../src/shared/logger.port';
import { EmbeddedOnlineStore } from '../../../src/store/embedded/embedded-online-store';
import { consentEvent, rawEventLine, type TestEvent } from './segment-lake';

export interface GeneratedSegmentLake {
  root: string;
  layout: LakeLayout;
  engine: DuckDbLakeEngine;
  store: EmbeddedOnlineStore;
  summary: GenerateSummary;
  /** The as-of day features were materialized for (the last generated day). */
  day: string;
  /** Consent events written into the raw zone (the generator emits none). */
  consentEvents: number;
  close(): Promise<void>;
}

/**
 * Consent choices for a seeded fifth of the users seen logged in, and for some anonymous
 * sessions: opt-outs, opt-outs reverted, and choices landing after the as-of day.
 */
async function writeConsent(engine: DuckDbLakeEngine, layout: LakeLayout, day: string, seed: number): Promise<TestEvent[]> {
  const seen = await engine.query(
    `SELECT user_id, min(anonymous_id) AS anonymous_id FROM read_parquet(${sqlString(`${layout.processedTable('clickstream')}/*/*.parquet`)})
     WHERE user_id IS NOT NULL AND anonymous_id IS NOT NULL GROUP BY user_id ORDER BY user_id`,
  );
  const rng = new SeedSpace(seed).rng('segment-consent', 0);
  const events: TestEvent[] = [];
  const at = (offsetDays: number) => new Date(Date.parse(`${shiftDay(day, offsetDays)}T00:00:00Z`) + rng.int(0, 86_399_999)).toISOString();
  seen.forEach((row, index) => {
    if (!rng.chance(0.3)) return;
    const userId = String(row.user_id);
    const id = `consent-${index}`;
    const choice = consentEvent(`${id}-a`, userId, at(-rng.int(1, 10)), false);
    // A third of the choices are made on a logged-out session, stitched by the anonymous id.
    if (rng.chance(0.33)) events.push({ ...choice, userId: undefined, anonymousId: String(row.anonymous_id) });
    else events.push(choice);
    if (rng.chance(0.25)) events.push(consentEvent(`${id}-b`, userId, new Date(Date.parse(choice.at) + rng.int(1, 3) * 3_600_000).toISOString(), true));
    if (rng.chance(0.1)) events.push(consentEvent(`${id}-c`, userId, at(1), false));
  });
  const dir = layout.rawPartition('clickstream', shiftDay(day, 1));
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'consent.jsonl'), events.map((event) => `${rawEventLine(event)}\n`).join(''));
  return events;
}

/** A lake as generate → process → (consent written) → identity stitch → stitched clickstream → features materialize leave it. */
export async function generatedSegmentLake(users: number, days: number, seed = 23): Promise<GeneratedSegmentLake> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'c360-segments-gen-'));
  const layout = new LakeLayout(root);
  const summary = await generateLake({ root, users, days, seed }, silentLogger);
  const engine = await DuckDbLakeEngine.open({ lakeRoot: root, memoryLimit: '2GB', threads: 2 });
  const store = await EmbeddedOnlineStore.open(path.join(root, '_store'));
  const day = summary.toDay;
  await processLake(layout, engine, {}, silentLogger);
  const consent = await writeConsent(engine, layout, day, seed);
  await processLake(layout, engine, { from: shiftDay(day, -10), to: shiftDay(day, 1) }, silentLogger);
  await stitchLake(engine, layout);
  await writeStitchedClickstream(engine, layout);
  await materializeFeatures({ date: day }, { engine, layout, store, logger: silentLogger });
  return {
    root,
    layout,
    engine,
    store,
    summary,
    day,
    consentEvents: consent.length,
    async close() {
      await store.close();
      await engine.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
