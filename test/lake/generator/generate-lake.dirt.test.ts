import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { type Generated, generate, removeGenerated } from './fixture';
import { at, changeFileMs, csvFiles, dmsMs, isJunk, jsonLines, ms } from './raw-zone-reader';

// Every kind of dirt DESIGN.md promises is in the files, and the summary's count of it is exactly
// what a reader finds; the counts are recomputed here from the files alone.

const HOUR = 3_600_000;
const CDC_TABLES = ['orders', 'lab_bookings', 'consultations'] as const;
const KEY: Record<(typeof CDC_TABLES)[number], string> = { orders: 'order_id', lab_bookings: 'booking_id', consultations: 'consultation_id' };

const EVENT_ID_PATHS = ['userId', 'anonymousId', 'previousId', 'context.device.id', 'context.traits.userId', 'context.traits.email', 'context.traits.phone', 'traits.email', 'traits.phone'];

function stringLeaves(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) stringLeaves(v, out);
  else if (value !== null && typeof value === 'object') for (const v of Object.values(value)) stringLeaves(v, out);
  return out;
}

describe('lake generate: dirt', () => {
  let lake: Generated;
  let found: Record<string, number>;

  before(async () => {
    lake = await generate({ users: 3000, days: 14, seed: 99 });
    found = {};
    const add = (kind: string, n = 1): void => {
      found[kind] = (found[kind] ?? 0) + n;
    };

    const events = jsonLines(lake.root, 'clickstream');
    const seen = new Set<string>();
    const late = new Set<string>();
    const skewed = new Set<string>();
    const missing = new Set<string>();
    const junk = new Set<string>();
    const accounts = new Map<string, Set<string>>();
    for (const { value: e } of events) {
      if (!e) {
        add('clickstream_malformed_line');
        continue;
      }
      const id = e.messageId as string;
      if (seen.has(id)) add('clickstream_duplicate_message_id');
      seen.add(id);
      if (ms(e.receivedAt) - ms(e.timestamp ?? e.originalTimestamp) >= 20 * HOUR) late.add(id);
      if (Math.abs(ms(e.receivedAt) - ms(e.sentAt)) >= 60_000) skewed.add(id);
      if (e.timestamp === undefined) missing.add(id);
      if (EVENT_ID_PATHS.some((p) => isJunk(at(e, p)))) junk.add(id);
      const device = at(e, 'context.device.id');
      if (typeof e.userId === 'string' && !isJunk(e.userId) && typeof device === 'string' && !isJunk(device)) {
        if (!accounts.has(device)) accounts.set(device, new Set());
        accounts.get(device)?.add(e.userId);
      }
    }
    add('clickstream_late_event', late.size);
    add('clickstream_clock_skew', skewed.size);
    add('clickstream_missing_timestamp', missing.size);
    add('clickstream_junk_identifier', junk.size);
    add('clickstream_shared_device', [...accounts.values()].filter((users) => users.size >= 2).length);

    for (const { value: log } of jsonLines(lake.root, 'api_logs')) {
      if (!log) add('api_logs_malformed_line');
      else if (stringLeaves([log.request, at(log, 'response.body')]).some(isJunk)) add('api_logs_junk_identifier');
    }

    for (const table of CDC_TABLES) {
      const earlier = new Map<string, Set<string>>();
      const junkKeys = new Set<string>();
      for (const file of csvFiles(lake.root, table)) {
        add(`${table}_malformed_row`, file.malformed);
        const fileMs = changeFileMs(file.file.name);
        const updates = new Map<string, number>();
        let ties = 0;
        for (const row of file.rows) {
          const key = row[KEY[table]];
          if ([row.user_id, row.phone, row.email].some(isJunk)) junkKeys.add(key);
          if (row.Op === 'U') {
            add(`${table}_update`);
            updates.set(key, (updates.get(key) ?? 0) + 1);
            if (earlier.get(key)?.has(row.updated_at)) ties++;
          }
          if (row.Op === 'D') add(`${table}_delete`);
          if ((row.Op === 'I' || row.Op === 'U') && fileMs - dmsMs(row.updated_at) >= 12 * HOUR) add(`${table}_late_change`);
        }
        add(`${table}_tie_in_later_file`, ties);
        add(`${table}_same_file_double_update`, [...updates.values()].filter((n) => n >= 2).length);
        for (const row of file.rows) {
          const key = row[KEY[table]];
          if (!earlier.has(key)) earlier.set(key, new Set());
          earlier.get(key)?.add(row.updated_at);
        }
      }
      add(`${table}_junk_identifier`, junkKeys.size);
    }
  });
  after(removeGenerated);

  it('reports exactly the dirt a reader finds in the files', () => {
    for (const [kind, count] of Object.entries(lake.summary.dirt)) assert.equal(found[kind] ?? 0, count, kind);
    for (const kind of Object.keys(found)) assert.ok(kind in lake.summary.dirt, `${kind} is reported`);
  });

  const present = (kinds: string[]): number => kinds.reduce((n, k) => n + (lake.summary.dirt[k] ?? 0), 0);
  const everyTable = (kind: string): string[] => CDC_TABLES.map((t) => `${t}_${kind}`);

  for (const [what, kinds] of [
    ['duplicate messageIds', ['clickstream_duplicate_message_id']],
    ['late events', ['clickstream_late_event']],
    ['clock skew', ['clickstream_clock_skew']],
    ['events without timestamp', ['clickstream_missing_timestamp']],
    ['junk identifiers in clickstream', ['clickstream_junk_identifier']],
    ['junk identifiers in API logs', ['api_logs_junk_identifier']],
    ['junk identifiers in transactional rows', everyTable('junk_identifier')],
    ['shared devices', ['clickstream_shared_device']],
    ['malformed clickstream lines', ['clickstream_malformed_line']],
    ['malformed API log lines', ['api_logs_malformed_line']],
    ['CSV rows with the wrong column count', everyTable('malformed_row')],
    ['updated rows', everyTable('update')],
    ['deleted rows', everyTable('delete')],
    ['two updates of one key in one change file', everyTable('same_file_double_update')],
    ['an update in a later file with an identical updated_at', everyTable('tie_in_later_file')],
    ['changes landing a day or more late', everyTable('late_change')],
  ] as const) {
    it(`contains ${what}`, () => {
      assert.ok(present([...kinds]) > 0, `${kinds.join(', ')}: ${present([...kinds])}`);
    });
  }

  it('keeps dirt rare: under 5% of clickstream events for each kind but missing timestamps', () => {
    const events = lake.summary.records.clickstream;
    for (const kind of ['clickstream_duplicate_message_id', 'clickstream_late_event', 'clickstream_clock_skew', 'clickstream_junk_identifier', 'clickstream_malformed_line']) {
      assert.ok(lake.summary.dirt[kind] < events * 0.05, `${kind}: ${lake.summary.dirt[kind]} of ${events}`);
    }
  });

  it('lands some redelivered copies on a later day than the original', () => {
    const firstDay = new Map<string, string>();
    let laterDay = 0;
    for (const { value: e, file } of jsonLines(lake.root, 'clickstream')) {
      if (!e) continue;
      const day = firstDay.get(e.messageId as string);
      if (day === undefined) firstDay.set(e.messageId as string, file.day);
      else if (day < file.day) laterDay++;
    }
    assert.ok(laterDay > 0);
  });

  it('writes deletes as the full row, the way DMS does', () => {
    for (const table of CDC_TABLES) {
      for (const file of csvFiles(lake.root, table)) {
        for (const row of file.rows.filter((r) => r.Op === 'D')) {
          for (const column of [KEY[table], 'user_id', 'status', 'currency', 'created_at', 'updated_at']) assert.notEqual(row[column], '', column);
        }
      }
    }
  });
});
