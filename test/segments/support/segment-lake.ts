import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FEATURES, FeatureRegistry } from '../../../src/features/feature-registry';
import { featurePartitionDir, featurePartitionFile } from '../../../src/features/offline/feature-partitions';
import { DUCKDB_FEATURE_DIALECT } from '../../../src/features/sql/feature-dialect';
import { featureSqlType } from '../../../src/features/sql/feature-table.sql';
import { DuckDbLakeEngine } from '../../../src/lake/duckdb/duckdb-lake-engine';
import { LakeLayout } from '../../../src/lake/lake-layout';
import { sqlString } from '../../../src/lake/lake-relation';
import { processLake } from '../../../src/lake/processing/process-lake';
import { writeStitchedClickstream } from '../../../src/identity/events/stitched-clickstream';
import { silentLogger } from '../../../src/shared/logger.port';
import type { FeatureScalar } from '../../../src/store/online-store.port';
import { checkDefinition } from '../../../src/segments/definition/check-definition';
import type { CheckedCondition } from '../../../src/segments/definition/segment-condition';
import { DUCKDB_SEGMENT_DIALECT } from '../../../src/segments/sql/segment-dialect';
import { membersSql } from '../../../src/segments/sql/segment-query.sql';
import { SegmentSqlContext } from '../../../src/segments/sql/segment-sql-context';
import { segmentSources } from '../../../src/segments/sql/segment-sources';
import { writeIdentityMap, type IdentityRow } from '../../features/support/identity-map-fixture';
import { lookupOf } from './segment-lookup';

export interface TestEvent {
  messageId: string;
  event: string;
  type?: string;
  userId?: string;
  anonymousId?: string;
  /** ISO-8601 UTC. */
  at: string;
  properties?: Record<string, unknown>;
  /** `context.consent.categoryPreferences`, for consent events. */
  consent?: Record<string, unknown>;
}

/** A RudderStack event as the SDK posts it, one JSON line. */
export function rawEventLine(event: TestEvent): string {
  return JSON.stringify({
    type: event.type ?? 'track',
    event: event.event,
    messageId: event.messageId,
    ...(event.userId ? { userId: event.userId } : {}),
    anonymousId: event.anonymousId ?? `anon-of-${event.userId ?? 'nobody'}`,
    channel: 'web',
    properties: event.properties ?? {},
    context: { traits: {}, ...(event.consent ? { consent: { categoryPreferences: event.consent } } : {}) },
    timestamp: event.at,
    originalTimestamp: event.at,
    sentAt: event.at,
    receivedAt: event.at,
  });
}

/** A consent event for a user: `Advertising: allowed`. */
export function consentEvent(messageId: string, userId: string, at: string, allowed: boolean): TestEvent {
  return { messageId, userId, at, event: 'Segment Consent Preference Updated', properties: {}, consent: { Advertising: allowed, Analytics: true } };
}

/**
 * A throwaway lake for segment specs: hand-written features (any values, written straight to the
 * features zone), raw clickstream processed by the real `lake process`, and an identity map.
 */
export class SegmentLake {
  readonly root = mkdtempSync(path.join(os.tmpdir(), 'c360-segments-'));
  readonly layout = new LakeLayout(this.root);
  readonly registry = new FeatureRegistry();
  private engineInstance?: DuckDbLakeEngine;

  async engine(): Promise<DuckDbLakeEngine> {
    this.engineInstance ??= await DuckDbLakeEngine.open({ lakeRoot: this.root, memoryLimit: '1GB', threads: 2 });
    return this.engineInstance;
  }

  /** Writes raw clickstream lines (landed on `day`) and processes the lake. */
  async events(day: string, events: readonly TestEvent[]): Promise<void> {
    const dir = this.layout.rawPartition('clickstream', day);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, `events-${Date.now()}-${Math.random()}.jsonl`), events.map((event) => `${rawEventLine(event)}\n`).join(''));
    await processLake(this.layout, await this.engine(), {}, silentLogger);
  }

  /** Writes the stitched clickstream (each event with its customer) from the current events and identity map, as the daily run's identity.stitch-events does. */
  async stitchEvents(): Promise<void> {
    await writeStitchedClickstream(await this.engine(), this.layout);
  }

  async identities(rows: readonly IdentityRow[]): Promise<void> {
    await writeIdentityMap(await this.engine(), this.layout, rows);
  }

  /** Writes the feature table of `day`: every registry feature a column, null unless given. */
  async features(day: string, rows: ReadonlyArray<{ customer: string; values?: Record<string, FeatureScalar> }>): Promise<void> {
    const dir = featurePartitionDir(this.layout, day);
    mkdirSync(dir, { recursive: true });
    const staging = path.join(dir, 'rows.jsonl');
    writeFileSync(staging, rows.map((row) => JSON.stringify({ customer_id: row.customer, ...row.values })).join('\n'));
    const columns = [`customer_id: 'VARCHAR'`, ...FEATURES.map((feature) => `${feature.name}: '${featureSqlType(feature.type, DUCKDB_FEATURE_DIALECT)}'`)].join(', ');
    await (await this.engine()).execute(
      `COPY (SELECT * FROM read_json(${sqlString(staging)}, format = 'newline_delimited', columns = {${columns}}) ORDER BY customer_id) TO ${sqlString(featurePartitionFile(this.layout, day))} (FORMAT parquet)`,
    );
    rmSync(staging);
  }

  async check(definition: unknown, segments: Record<string, unknown> = {}): Promise<CheckedCondition> {
    return checkDefinition(definition, { registry: this.registry, segments: lookupOf(segments) });
  }

  /**
   * Members by the SQL evaluator, sorted. `events` says how events find their customer: `stitched`
   * requires a current stitched clickstream (stitchEvents), `joined` joins the processed
   * clickstream to the identity map even when there is one; by default, whichever the lake offers.
   */
  async members(definition: unknown, day: string, segments: Record<string, unknown> = {}, events?: 'stitched' | 'joined'): Promise<string[]> {
    const engine = await this.engine();
    const sources = segmentSources(engine, this.layout, day);
    if (events === 'stitched' && !sources.stitchedClickstream) throw new Error('no current stitched clickstream on this lake');
    if (events === 'joined') delete sources.stitchedClickstream;
    const query = membersSql(await this.check(definition, segments), new SegmentSqlContext(day, DUCKDB_SEGMENT_DIALECT, sources));
    const rows = await engine.query(`${query.text} ORDER BY 1`, query.params);
    return rows.map((row) => String(row.customer_id));
  }

  async close(): Promise<void> {
    await this.engineInstance?.close();
    rmSync(this.root, { recursive: true, force: true });
  }
}
