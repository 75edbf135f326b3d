import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { LakeEngine } from '../../../src/lake/lake-engine.port';
import type { LakeLayout } from '../../../src/lake/lake-layout';
import { sqlString } from '../../../src/lake/lake-relation';
import { normalizeIdentifier } from '../../../src/identity/identifier-normalization';
import { identityMapFile } from '../../../src/features/sql/feature-sources';

/** The three specified features of one customer, computed without the feature SQL. */
export interface ReferenceValues {
  orders_30d: number;
  gmv_30d: number;
  banner_clicks_30d: number;
}

/** How much of each rule the data exercised, so a test can insist the data means something. */
export interface ReferenceCoverage {
  /** Orders in the window changed after their insert (amount, status), the latest change counting. */
  updatedOrders: number;
  /** Orders created in the window whose latest change is a delete. */
  deletedOrders: number;
  /** Orders in the window whose latest state is cancelled. */
  cancelledOrders: number;
  /** Clicks in the window delivered more than once (same messageId). */
  duplicatedClicks: number;
  /** Clicks in the window made logged out, counted for a customer with an account. */
  anonymousClicks: number;
}

const DAY_MS = 86_400_000;
const DMS_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?$/;
const AMOUNT = /^-?\d{1,10}(\.\d{1,2})?$/;

/** A raw source's files in landing order: day, DMS full load before changes, then name. */
export function rawFiles(layout: LakeLayout, source: string, extension: RegExp): string[] {
  const dir = path.join(layout.zone('raw'), source);
  const days = readdirSync(dir)
    .filter((name) => name.startsWith('dt='))
    .sort();
  return days.flatMap((day) =>
    readdirSync(path.join(dir, day))
      .filter((name) => extension.test(name) && !name.startsWith('.') && !name.startsWith('_'))
      .sort((a, b) => Number(/^LOAD/i.test(b)) - Number(/^LOAD/i.test(a)) || (a < b ? -1 : a > b ? 1 : 0))
      .map((name) => path.join(dir, day, name)),
  );
}

export function lines(file: string): string[] {
  return readFileSync(file, 'utf8').split('\n').map((line) => line.replace(/\r$/, ''));
}

/** RFC 4180 fields of one line, or undefined when the line is not well-formed CSV. */
function csvFields(line: string): string[] | undefined {
  const fields: string[] = [];
  let at = 0;
  for (;;) {
    if (line[at] === '"') {
      let value = '';
      at += 1;
      for (;;) {
        const quote = line.indexOf('"', at);
        if (quote < 0) return undefined;
        value += line.slice(at, quote);
        if (line[quote + 1] === '"') {
          value += '"';
          at = quote + 2;
        } else {
          at = quote + 1;
          break;
        }
      }
      fields.push(value);
    } else {
      const comma = line.indexOf(',', at);
      const value = comma < 0 ? line.slice(at) : line.slice(at, comma);
      if (value.includes('"')) return undefined;
      // DMS writes NULL as an empty unquoted field.
      fields.push(value);
      at = comma < 0 ? line.length : comma;
    }
    if (at === line.length) return fields;
    if (line[at] !== ',') return undefined;
    at += 1;
  }
}

const dmsTime = (text: string | undefined): number => (text !== undefined && DMS_TIME.test(text.trim()) ? Date.parse(`${text.trim().replace(' ', 'T')}Z`) : Number.NaN);

export interface OrderChange {
  op: string;
  orderId: string;
  userId: string;
  status: string;
  cents: number;
  createdAt: number;
  updatedAt: number;
  /** Landing order: file, then line. */
  seq: number;
  /** The row as written, by column name. */
  columns: Readonly<Record<string, string>>;
}

/** Every usable change row of the orders table, straight from the DMS files; unusable rows are skipped as processing quarantines them. */
export function orderChanges(layout: LakeLayout): OrderChange[] {
  const changes: OrderChange[] = [];
  rawFiles(layout, 'orders', /\.csv$/i).forEach((file, fileIndex) => {
    const [headerLine, ...rows] = lines(file);
    const header = csvFields(headerLine ?? '')?.map((name) => name.trim().toLowerCase());
    if (!header?.includes('order_id')) return;
    const hasOp = header[0] === 'op';
    rows.forEach((line, lineIndex) => {
      if (line.trim() === '') return;
      const fields = csvFields(line);
      if (!fields || fields.length !== header.length) return;
      const get = (column: string) => {
        const value = fields[header.indexOf(column)]?.trim();
        return value === '' ? undefined : value;
      };
      const op = hasOp ? (fields[0] ?? '') : 'I';
      const orderId = get('order_id');
      const updatedAt = dmsTime(get('updated_at'));
      const createdAt = dmsTime(get('created_at'));
      const amount = get('total_amount');
      if (!['I', 'U', 'D'].includes(op) || orderId === undefined || Number.isNaN(updatedAt)) return;
      if (op !== 'D' && (Number.isNaN(createdAt) || (amount !== undefined && !AMOUNT.test(amount)))) return;
      changes.push({
        op,
        orderId,
        userId: get('user_id') ?? '',
        status: get('status') ?? '',
        cents: amount === undefined ? 0 : Math.round(Number(amount) * 100),
        createdAt,
        updatedAt,
        seq: fileIndex * 1e7 + lineIndex,
        columns: Object.fromEntries(header.map((column, index) => [column, fields[index] ?? ''])),
      });
    });
  });
  return changes;
}

interface Click {
  messageId: string;
  userId: string | undefined;
  anonymousId: string | undefined;
  eventTime: number;
  receivedAt: number;
  seq: number;
  isClick: boolean;
}

const text = (value: unknown): string | undefined => {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const trimmed = String(value).trim();
  return trimmed === '' ? undefined : trimmed;
};
const isoTime = (value: unknown): number => (typeof value === 'string' ? Date.parse(value) : Number.NaN);

/** Every usable clickstream event (the fields this reference needs), straight from the JSON lines. */
function events(layout: LakeLayout): Click[] {
  const found: Click[] = [];
  rawFiles(layout, 'clickstream', /\.(jsonl|json|ndjson)$/i).forEach((file, fileIndex) => {
    lines(file).forEach((line, lineIndex) => {
      let event: unknown;
      try {
        event = JSON.parse(line);
      } catch {
        return;
      }
      if (typeof event !== 'object' || event === null || Array.isArray(event)) return;
      const e = event as Record<string, unknown>;
      const messageId = text(e.messageId);
      const type = text(e.type)?.toLowerCase();
      const timestamp = isoTime(e.timestamp);
      const eventTime = Number.isNaN(timestamp) ? isoTime(e.originalTimestamp) : timestamp;
      const userId = text(e.userId);
      const anonymousId = text(e.anonymousId);
      if (messageId === undefined || !['track', 'page', 'screen', 'identify', 'alias', 'group'].includes(type ?? '') || Number.isNaN(eventTime)) return;
      if ((type === 'track' && text(e.event) === undefined) || (type === 'alias' && text(e.previousId) === undefined) || (type === 'group' && text(e.groupId) === undefined)) return;
      if (userId === undefined && anonymousId === undefined) return;
      const receivedAt = isoTime(e.receivedAt);
      found.push({
        messageId,
        userId,
        anonymousId,
        eventTime,
        receivedAt: Number.isNaN(receivedAt) ? Number.POSITIVE_INFINITY : receivedAt,
        seq: fileIndex * 1e7 + lineIndex,
        isClick: type === 'track' && text(e.event) === 'Promotion Clicked',
      });
    });
  });
  return found;
}

/**
 * The specification of orders_30d, gmv_30d and banner_clicks_30d as of the end of `day`, written
 * straight from the brief over the raw zone, sharing no code with lake processing or the feature
 * SQL: window [D-29 00:00, D+1 00:00) UTC; an order's state is its latest change (latest
 * updated_at, then the later file and line), a `D` removes it, and it counts unless cancelled; a
 * click is a distinct messageId of a track `Promotion Clicked` (the first copy received), at its
 * `timestamp`, else `originalTimestamp`; a customer is map[user_id] for orders and map[user_id] ??
 * map[anonymous_id] for events, identifiers normalized as identity prescribes.
 */
export async function referenceFeatures(engine: LakeEngine, layout: LakeLayout, day: string): Promise<{ values: Map<string, ReferenceValues>; coverage: ReferenceCoverage }> {
  const end = Date.parse(`${day}T00:00:00Z`) + DAY_MS;
  const start = end - 30 * DAY_MS;
  const inWindow = (ms: number) => ms >= start && ms < end;

  const map = new Map<string, string>();
  const withAccount = new Set<string>();
  for (const row of await engine.query(`SELECT id_type, id_value, customer_id FROM read_parquet(${sqlString(identityMapFile(layout))})`)) {
    map.set(`${String(row.id_type)}|${String(row.id_value)}`, String(row.customer_id));
    if (row.id_type === 'user_id') withAccount.add(String(row.customer_id));
  }
  const customerOf = (type: string, raw: string | undefined) => {
    const normalized = normalizeIdentifier(type, raw);
    return normalized === null ? undefined : map.get(`${type}|${normalized}`);
  };

  const coverage: ReferenceCoverage = { updatedOrders: 0, deletedOrders: 0, cancelledOrders: 0, duplicatedClicks: 0, anonymousClicks: 0 };
  const result = new Map<string, ReferenceValues>();
  const entry = (customer: string): ReferenceValues => {
    const found = result.get(customer) ?? { orders_30d: 0, gmv_30d: 0, banner_clicks_30d: 0 };
    result.set(customer, found);
    return found;
  };

  const byOrder = new Map<string, OrderChange[]>();
  for (const change of orderChanges(layout)) byOrder.set(change.orderId, [...(byOrder.get(change.orderId) ?? []), change]);
  for (const changes of byOrder.values()) {
    const latest = changes.reduce((best, change) => (change.updatedAt > best.updatedAt || (change.updatedAt === best.updatedAt && change.seq > best.seq) ? change : best));
    const created = changes.find((change) => change.op !== 'D')?.createdAt ?? latest.createdAt;
    if (!inWindow(created)) continue;
    if (latest.op === 'D') {
      coverage.deletedOrders += 1;
      continue;
    }
    if (changes.length > 1) coverage.updatedOrders += 1;
    if (latest.status.toLowerCase() === 'cancelled') {
      coverage.cancelledOrders += 1;
      continue;
    }
    const customer = customerOf('user_id', latest.userId);
    if (customer === undefined || !inWindow(latest.createdAt)) continue;
    const values = entry(customer);
    values.orders_30d += 1;
    // Cents as integers, so the reference sum is exact.
    values.gmv_30d += latest.cents;
  }
  for (const values of result.values()) values.gmv_30d /= 100;

  const copies = new Map<string, Click[]>();
  for (const event of events(layout)) copies.set(event.messageId, [...(copies.get(event.messageId) ?? []), event]);
  const clicks = new Map<string, Set<string>>();
  for (const [messageId, delivered] of copies) {
    const first = delivered.reduce((best, copy) => (copy.receivedAt < best.receivedAt || (copy.receivedAt === best.receivedAt && copy.seq < best.seq) ? copy : best));
    if (!first.isClick || !inWindow(first.eventTime)) continue;
    const byUser = customerOf('user_id', first.userId);
    const customer = byUser ?? customerOf('anonymous_id', first.anonymousId);
    if (customer === undefined) continue;
    if (delivered.length > 1) coverage.duplicatedClicks += 1;
    if (byUser === undefined && withAccount.has(customer)) coverage.anonymousClicks += 1;
    clicks.set(customer, (clicks.get(customer) ?? new Set<string>()).add(messageId));
  }
  for (const [customer, ids] of clicks) entry(customer).banner_clicks_30d = ids.size;
  return { values: result, coverage };
}
