import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { type Generated, generate, removeGenerated } from './fixture';
import { at, csvFiles, dmsMs, jsonLines, ms, rawFiles } from './raw-zone-reader';

// The raw zone as DESIGN.md's "Data contracts" define it, checked file by file.

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const DMS_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
const AMOUNT = /^\d+\.\d{2}$/;
const CHANGE_FILE = /^\d{8}-\d{9}\.csv$/;

const COLUMNS = {
  orders: 'order_id,user_id,phone,email,status,vertical,total_amount,currency,created_at,updated_at',
  lab_bookings: 'booking_id,user_id,phone,email,test_code,test_name,status,amount,currency,slot_at,created_at,updated_at',
  consultations: 'consultation_id,user_id,phone,email,speciality,mode,status,fee,currency,created_at,updated_at',
} as const;

describe('lake generate: data contracts', () => {
  let lake: Generated;
  before(async () => {
    lake = await generate({ users: 1500, days: 10, seed: 2026 });
  });
  after(removeGenerated);

  it('reports the window ending on the default end day and partitions every source by landed day inside it', () => {
    assert.equal(lake.summary.toDay, '2026-11-22');
    assert.equal(lake.summary.fromDay, '2026-11-13');
    for (const source of ['clickstream', 'orders', 'lab_bookings', 'consultations', 'api_logs']) {
      const files = rawFiles(lake.root, source);
      assert.ok(files.length > 0, `${source} has files`);
      for (const file of files) assert.ok(file.day >= lake.summary.fromDay && file.day <= lake.summary.toDay, `${source} ${file.day} inside the window`);
    }
  });

  it('writes clickstream events in the RudderStack spec, each landed on the day it was received', () => {
    const types = new Set(['track', 'page', 'screen', 'identify', 'alias', 'group']);
    const seenTypes = new Set<string>();
    const osNames = new Set<string>();
    for (const { value: e, file } of jsonLines(lake.root, 'clickstream')) {
      if (!e) continue;
      assert.ok(types.has(e.type as string), `type ${String(e.type)}`);
      seenTypes.add(e.type as string);
      for (const field of ['messageId', 'anonymousId']) assert.equal(typeof e[field], 'string', field);
      for (const field of ['originalTimestamp', 'sentAt', 'receivedAt']) assert.match(e[field] as string, ISO, field);
      if (e.timestamp !== undefined) assert.match(e.timestamp as string, ISO);
      for (const field of ['context.device.id', 'context.os.name', 'context.app.name', 'context.library.name', 'context.traits.anonymousId']) {
        assert.equal(typeof at(e, field), 'string', field);
      }
      osNames.add(at(e, 'context.os.name') as string);
      if (e.type === 'track') assert.equal(typeof e.event, 'string');
      if (e.type === 'identify') {
        assert.equal(typeof e.userId, 'string');
        assert.equal(typeof at(e, 'traits.email'), 'string');
        assert.equal(typeof at(e, 'traits.phone'), 'string');
        assert.equal(typeof at(e, 'traits.name'), 'string');
      }
      if (e.type === 'alias') assert.equal(typeof e.previousId, 'string');
      assert.equal((e.receivedAt as string).slice(0, 10), file.day, 'partitioned by receivedAt day');
    }
    assert.deepEqual([...seenTypes].sort(), [...types].sort());
    for (const os of ['Android', 'iOS', 'Windows', 'Mac OS']) assert.ok(osNames.has(os), `os ${os}`);
  });

  it('sends banner impressions and clicks with promotion_id, creative, name and position, some campaigns on most days', () => {
    const daysShown = new Map<string, Set<string>>();
    for (const { value: e } of jsonLines(lake.root, 'clickstream')) {
      if (!e || (e.event !== 'Promotion Viewed' && e.event !== 'Promotion Clicked')) continue;
      for (const field of ['promotion_id', 'creative', 'name', 'position']) assert.equal(typeof at(e, `properties.${field}`), 'string', field);
      const id = at(e, 'properties.promotion_id') as string;
      if (!daysShown.has(id)) daysShown.set(id, new Set());
      daysShown.get(id)?.add((e.receivedAt as string).slice(0, 10));
    }
    assert.ok(daysShown.size >= 8, `expected ~10 promotions, saw ${daysShown.size}`);
    assert.ok(daysShown.has('promo_diabetes_care') && daysShown.has('promo_lab_fullbody'));
    assert.ok([...daysShown.values()].some((days) => days.size >= 9), 'a campaign runs on most days');
  });

  it('completes orders whose order_id is a row of raw/orders (unless placed on the last evening, still in DMS batching)', () => {
    const orderIds = new Set(csvFiles(lake.root, 'orders').flatMap((f) => f.rows.map((r) => r.order_id)));
    // DMS batches hourly and device clocks may be three hours off: leave the evening out.
    const cutoff = Date.parse(`${lake.summary.toDay}T19:00:00Z`);
    let checked = 0;
    for (const { value: e } of jsonLines(lake.root, 'clickstream')) {
      if (!e || e.event !== 'Order Completed') continue;
      const orderId = at(e, 'properties.order_id') as string;
      assert.match(orderId, /^OD\d{13}$/);
      assert.equal(at(e, 'properties.currency'), 'INR');
      assert.equal(typeof at(e, 'properties.revenue'), 'number');
      const products = at(e, 'properties.products') as Record<string, unknown>[];
      assert.ok(Array.isArray(products) && products.length > 0);
      for (const p of products) for (const field of ['product_id', 'sku', 'name', 'category', 'price', 'quantity']) assert.ok(p[field] !== undefined, field);
      if (ms(e.timestamp ?? e.originalTimestamp) < cutoff) {
        assert.ok(orderIds.has(orderId), `order ${orderId} in raw/orders`);
        checked++;
      }
    }
    assert.ok(checked > 20, `checked ${checked} orders`);
  });

  for (const table of ['orders', 'lab_bookings', 'consultations'] as const) {
    it(`writes ${table} as DMS CSV: a full load without Op on the first day, then change files with Op first`, () => {
      const files = csvFiles(lake.root, table);
      const [load, ...changes] = files;
      assert.equal(load.file.name, 'LOAD00000001.csv');
      assert.equal(load.file.day, lake.summary.fromDay);
      assert.equal(load.header.join(','), COLUMNS[table]);
      assert.ok(changes.length > 0);
      for (const change of changes) {
        assert.match(change.file.name, CHANGE_FILE);
        assert.equal(change.file.name.slice(0, 8), change.file.day.replaceAll('-', ''), 'change files land on the day DMS wrote them');
        assert.equal(change.header.join(','), `Op,${COLUMNS[table]}`);
        let previous = 0;
        for (const row of change.rows) {
          assert.ok(['I', 'U', 'D'].includes(row.Op), `Op ${row.Op}`);
          if (row.Op !== 'D') {
            assert.ok(dmsMs(row.updated_at) >= previous, `${change.file.name} in commit order`);
            previous = dmsMs(row.updated_at);
          }
        }
      }
      const timeColumns = table === 'lab_bookings' ? ['slot_at', 'created_at', 'updated_at'] : ['created_at', 'updated_at'];
      const amount = table === 'orders' ? 'total_amount' : table === 'lab_bookings' ? 'amount' : 'fee';
      for (const file of files) {
        for (const row of file.rows) {
          for (const column of timeColumns) assert.match(row[column], DMS_TIME, column);
          assert.match(row[amount], AMOUNT);
          assert.equal(row.currency, 'INR');
          assert.ok(row.created_at <= row.updated_at);
        }
      }
    });
  }

  it('uses the documented order statuses and verticals, and quotes fields holding commas', () => {
    const statuses = new Set<string>();
    const verticals = new Set<string>();
    for (const file of csvFiles(lake.root, 'orders')) {
      for (const row of file.rows) {
        statuses.add(row.status);
        verticals.add(row.vertical);
      }
    }
    assert.deepEqual([...statuses].sort(), ['cancelled', 'confirmed', 'delivered', 'placed', 'shipped']);
    assert.deepEqual([...verticals].sort(), ['consultations', 'lab_tests', 'pharmacy', 'wellness']);
    const names = csvFiles(lake.root, 'lab_bookings').flatMap((f) => f.rows.map((r) => r.test_name));
    assert.ok(names.includes('Thyroid Profile (T3, T4, TSH)') || names.includes('Full Body Checkup, 84 tests'), 'a quoted name with commas round-trips');
  });

  it('writes updates of earlier days into later change files, and full-load rows as of the snapshot', () => {
    const files = csvFiles(lake.root, 'orders');
    const snapshot = Date.parse(`${lake.summary.fromDay}T00:00:00Z`);
    for (const row of files[0].rows) assert.ok(dmsMs(row.updated_at) < snapshot);
    const carried = files.slice(1).flatMap((f) => f.rows.filter((r) => r.created_at.slice(0, 10) < f.file.day));
    assert.ok(carried.length > 0, 'some change files hold rows created on earlier days');
    const fromHistory = files.slice(1).flatMap((f) => f.rows.filter((r) => dmsMs(r.created_at) < snapshot));
    assert.ok(fromHistory.length > 0, 'rows of the full load keep changing after it');
  });

  it('writes phones in several formats and emails with varying case and whitespace', () => {
    const phones = csvFiles(lake.root, 'orders').flatMap((f) => f.rows.map((r) => r.phone));
    const identifies = jsonLines(lake.root, 'clickstream').filter((l) => l.value?.type === 'identify');
    const all = [...phones, ...identifies.map((l) => at(l.value, 'traits.phone') as string)];
    assert.ok(all.some((p) => /^\+91 [6-9]\d{9}$/.test(p)), '+91 98xxxxxxxx');
    assert.ok(all.some((p) => /^0[6-9]\d{9}$/.test(p)), '098xxxxxxxx');
    const bookingPhones = csvFiles(lake.root, 'lab_bookings').flatMap((f) => f.rows.map((r) => r.phone));
    assert.ok([...all, ...bookingPhones].some((p) => /^[6-9]\d{4}-\d{5}$/.test(p)), '98xxx-xxxxx');
    const emails = csvFiles(lake.root, 'orders').flatMap((f) => f.rows.map((r) => r.email));
    assert.ok(emails.some((e) => e !== e.trim()), 'an email with whitespace');
    assert.ok(emails.some((e) => e !== e.toLowerCase()), 'an email with capitals');
  });

  it('writes API logs with identifiers at varying depths across six services', () => {
    const shapes = new Map<string, number>();
    const services = new Set<string>();
    const paths = [
      'request.headers.x-device-id',
      'request.headers.x-user-id',
      'request.body.user.id',
      'request.body.user_id',
      'request.query.phone',
      'request.body.contact.email',
      'response.body.data.user_id',
      'response.body.data.customer.phone',
    ];
    for (const { value: log, file } of jsonLines(lake.root, 'api_logs')) {
      if (!log) continue;
      for (const field of ['service', 'method', 'path']) assert.equal(typeof log[field], 'string', field);
      assert.match(log.ts as string, ISO);
      assert.equal(typeof log.status, 'number');
      assert.equal(typeof log.latency_ms, 'number');
      for (const part of ['request.headers', 'request.query', 'response']) assert.equal(typeof at(log, part), 'object', part);
      assert.ok((log.ts as string).slice(0, 10) <= file.day);
      services.add(log.service as string);
      for (const p of paths) {
        // Dots inside header names: look the header up directly.
        const value = p.startsWith('request.headers.') ? (at(log, 'request.headers') as Record<string, unknown>)[p.slice(16)] : at(log, p);
        if (typeof value === 'string') shapes.set(p, (shapes.get(p) ?? 0) + 1);
      }
    }
    assert.deepEqual([...services].sort(), ['auth', 'cart', 'consult', 'lab', 'orders', 'search']);
    assert.deepEqual([...shapes.keys()].sort(), [...paths].sort(), 'every identifier shape occurs');
  });

  it('counts records per source as lines written', () => {
    const lines = (source: string): number => jsonLines(lake.root, source).length;
    assert.equal(lake.summary.records.clickstream, lines('clickstream'));
    assert.equal(lake.summary.records.api_logs, lines('api_logs'));
    for (const table of ['orders', 'lab_bookings', 'consultations'] as const) {
      const rows = csvFiles(lake.root, table).reduce((n, f) => n + f.rows.length + f.malformed, 0);
      assert.equal(lake.summary.records[table], rows, table);
    }
    const files = ['clickstream', 'orders', 'lab_bookings', 'consultations', 'api_logs'].reduce((n, s) => n + rawFiles(lake.root, s).length, 0);
    assert.equal(lake.summary.files, files);
  });
});
