import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stitchLake, type StitchLakeOptions, type StitchSummary } from '../../../src/identity/batch/stitch-lake';
import type { Identifier } from '../../../src/identity/identifier';
import { DuckDbLakeEngine } from '../../../src/lake/duckdb/duckdb-lake-engine';
import { LakeLayout } from '../../../src/lake/lake-layout';
import { processLake } from '../../../src/lake/processing/process-lake';
import { silentLogger } from '../../../src/shared/logger.port';
import { readIdentityMap, type IdentityMap } from './identity-zone';

/** A RudderStack event as an SDK posts it; `at` is ISO-8601 UTC. */
export interface FixtureEvent {
  at: string;
  type?: 'track' | 'identify' | 'alias' | 'screen';
  userId?: string;
  anonymousId: string;
  deviceId?: string;
  previousId?: string;
  traits?: { email?: string; phone?: string };
  /** The SDK's id of the event; a fresh one by default. The stream names a record by it too. */
  messageId?: string;
}

/** The identifiers the stream takes from a fixture event (fixtures are clean already, so none is normalized away). */
export function streamIdentifiersOf(event: FixtureEvent): Identifier[] {
  const identifiers: Identifier[] = [];
  if (event.userId) identifiers.push({ type: 'user_id', value: event.userId });
  if (event.traits?.email) identifiers.push({ type: 'email', value: event.traits.email });
  if (event.deviceId) identifiers.push({ type: 'device_id', value: event.deviceId });
  identifiers.push({ type: 'anonymous_id', value: event.anonymousId });
  if (event.previousId) identifiers.push({ type: 'anonymous_id', value: event.previousId });
  return identifiers;
}

/** An API log line with identifiers where services put them: device and user in headers, phone and email in the body. */
export interface FixtureApiCall {
  at: string;
  userId?: string;
  deviceId?: string;
  phone?: string;
  email?: string;
}

export interface FixtureOrder {
  id: string;
  userId: string;
  phone?: string;
  email?: string;
  at: string;
}

let messages = 0;

/** One raw clickstream line, as the SDK would post the event. */
export function fixtureEventLine(event: FixtureEvent): string {
  return JSON.stringify({
    type: event.type ?? 'track',
    ...(event.type === undefined || event.type === 'track' ? { event: 'Product Viewed' } : {}),
    messageId: event.messageId ?? `m-${++messages}`,
    ...(event.userId === undefined ? {} : { userId: event.userId }),
    anonymousId: event.anonymousId,
    ...(event.previousId === undefined ? {} : { previousId: event.previousId }),
    ...(event.traits === undefined ? {} : { traits: event.traits }),
    channel: 'mobile',
    context: { device: event.deviceId === undefined ? {} : { id: event.deviceId }, traits: {} },
    timestamp: event.at,
    originalTimestamp: event.at,
    sentAt: event.at,
    receivedAt: event.at,
  });
}

function apiLine(call: FixtureApiCall): string {
  const headers: Record<string, string> = { 'x-request-id': `r-${++messages}` };
  if (call.deviceId !== undefined) headers['x-device-id'] = call.deviceId;
  if (call.userId !== undefined) headers['x-user-id'] = call.userId;
  const body: Record<string, string> = {};
  if (call.phone !== undefined) body.phone = call.phone;
  if (call.email !== undefined) body.email = call.email;
  return JSON.stringify({ ts: call.at, service: 'auth', method: 'POST', path: '/v1/auth/otp/verify', status: 200, latency_ms: 40, request: { headers, query: {}, body }, response: { body: { data: {} } } });
}

/** A replicated table's header and one row of a record with an account, a phone and an email, in DESIGN.md's column order. */
const CDC_ROWS = {
  orders: {
    header: 'order_id,user_id,phone,email,status,vertical,total_amount,currency,created_at,updated_at',
    row: (record: FixtureOrder, time: string) => [record.id, record.userId, record.phone ?? '', record.email ?? '', 'delivered', 'pharmacy', '100.00', 'INR', time, time],
  },
  lab_bookings: {
    header: 'booking_id,user_id,phone,email,test_code,test_name,status,amount,currency,slot_at,created_at,updated_at',
    row: (record: FixtureOrder, time: string) => [record.id, record.userId, record.phone ?? '', record.email ?? '', 'CBC', 'Complete blood count', 'booked', '400.00', 'INR', time, time, time],
  },
  consultations: {
    header: 'consultation_id,user_id,phone,email,speciality,mode,status,fee,currency,created_at,updated_at',
    row: (record: FixtureOrder, time: string) => [record.id, record.userId, record.phone ?? '', record.email ?? '', 'general', 'video', 'completed', '300.00', 'INR', time, time],
  },
} as const;

function cdcLine(table: keyof typeof CDC_ROWS, record: FixtureOrder): string {
  return CDC_ROWS[table].row(record, record.at.replace('T', ' ').replace('Z', '')).join(',');
}

/**
 * A lake written by hand, record by record, processed by the real `lake process` and stitched:
 * for rules whose effect a generated lake shows only by chance (priority, caps on one customer).
 */
export class RecordLake {
  readonly root = mkdtempSync(path.join(os.tmpdir(), 'c360-identity-records-'));
  readonly layout = new LakeLayout(this.root);
  private engine?: DuckDbLakeEngine;
  private files = 0;

  private write(source: 'clickstream' | 'api_logs' | keyof typeof CDC_ROWS, day: string, lines: readonly string[]): void {
    const dir = this.layout.rawPartition(source, day);
    mkdirSync(dir, { recursive: true });
    const name = source in CDC_ROWS ? `LOAD${String(++this.files).padStart(8, '0')}.csv` : `part-${++this.files}.jsonl`;
    writeFileSync(path.join(dir, name), lines.map((line) => `${line}\n`).join(''));
  }

  events(...events: FixtureEvent[]): this {
    for (const event of events) this.write('clickstream', event.at.slice(0, 10), [fixtureEventLine(event)]);
    return this;
  }

  apiCalls(...calls: FixtureApiCall[]): this {
    for (const call of calls) this.write('api_logs', call.at.slice(0, 10), [apiLine(call)]);
    return this;
  }

  /** API calls logged one per line of a single file, landed on the first call's day. */
  apiLogFile(...calls: FixtureApiCall[]): this {
    if (calls.length > 0) this.write('api_logs', calls[0].at.slice(0, 10), calls.map(apiLine));
    return this;
  }

  orders(...orders: FixtureOrder[]): this {
    return this.cdc('orders', orders);
  }

  labBookings(...bookings: FixtureOrder[]): this {
    return this.cdc('lab_bookings', bookings);
  }

  consultations(...consultations: FixtureOrder[]): this {
    return this.cdc('consultations', consultations);
  }

  private cdc(table: keyof typeof CDC_ROWS, records: readonly FixtureOrder[]): this {
    for (const record of records) this.write(table, record.at.slice(0, 10), [CDC_ROWS[table].header, cdcLine(table, record)]);
    return this;
  }

  async lake(): Promise<DuckDbLakeEngine> {
    this.engine ??= await DuckDbLakeEngine.open({ lakeRoot: this.root, memoryLimit: '1GB', threads: 2 });
    return this.engine;
  }

  /** Processes everything written so far, as `c360 lake process` does. */
  async process(): Promise<void> {
    await processLake(this.layout, await this.lake(), {}, silentLogger);
  }

  /** Processes everything written so far and stitches it. */
  async stitch(options: StitchLakeOptions = {}): Promise<{ summary: StitchSummary; map: IdentityMap }> {
    const engine = await this.lake();
    await this.process();
    const summary = await stitchLake(engine, this.layout, options);
    return { summary, map: await readIdentityMap(engine, this.layout) };
  }

  async close(): Promise<void> {
    await this.engine?.close();
    rmSync(this.root, { recursive: true, force: true });
  }
}
