import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { withLake } from './test-lake';

const ORDER_HEADER = 'order_id,user_id,phone,email,status,vertical,total_amount,currency,created_at,updated_at';
const CHANGE_HEADER = `Op,${ORDER_HEADER}`;

/** An order row in DMS CSV; only the fields a test varies are parameters. */
function order(id: string, status: string, createdAt: string, updatedAt: string, amount = '100.50'): string {
  return `${id},u-${id},+919800000000,${id}@example.com,${status},pharmacy,${amount},INR,${createdAt},${updatedAt}`;
}

describe('CDC merge (orders, lab_bookings, consultations)', () => {
  it('combines the full load with change files: the latest change per key wins and D removes the row', async () => {
    await withLake(async (lake) => {
      lake.write('orders', '2026-03-01', 'LOAD00000001.csv', [
        ORDER_HEADER,
        order('o1', 'placed', '2026-03-01 09:00:00', '2026-03-01 09:00:00'),
        order('o2', 'placed', '2026-03-01 10:00:00', '2026-03-01 10:00:00'),
        order('o3', 'placed', '2026-03-01 11:00:00', '2026-03-01 11:00:00'),
      ]);
      // DMS names change files by time, which sorts before LOAD; the full load still comes first.
      lake.write('orders', '2026-03-01', '20260301-120000000.csv', [
        CHANGE_HEADER,
        `U,${order('o1', 'shipped', '2026-03-01 09:00:00', '2026-03-01 12:00:00')}`,
        `D,${order('o2', 'placed', '2026-03-01 10:00:00', '2026-03-01 13:00:00')}`,
      ]);
      lake.write('orders', '2026-03-02', '20260302-090000000.csv', [
        CHANGE_HEADER,
        `I,${order('o4', 'placed', '2026-03-02 08:00:00', '2026-03-02 08:00:00')}`,
        `U,${order('o1', 'delivered', '2026-03-01 09:00:00', '2026-03-02 09:00:00')}`,
      ]);
      // Lands last but changed earlier: updated_at decides, not arrival.
      lake.write('orders', '2026-03-03', '20260303-000000000.csv', [
        CHANGE_HEADER,
        `U,${order('o1', 'returned', '2026-03-01 09:00:00', '2026-03-01 12:30:00')}`,
      ]);

      const summary = await lake.process();

      const rows = await lake.rows('orders', 'order_id');
      assert.deepEqual(
        rows.map((r) => [r.order_id, r.status, r.dt]),
        [
          ['o1', 'delivered', '2026-03-01'],
          ['o3', 'placed', '2026-03-01'],
          ['o4', 'placed', '2026-03-02'],
        ],
      );
      assert.deepEqual(summary.tables.orders, { rowsIn: 8, rowsOut: 3, partitionsWritten: 2 });
      assert.equal(summary.from, '2026-03-01');
      assert.equal(summary.to, '2026-03-02');
    });
  });

  it('types the columns: timestamps as UTC instants, amounts as numbers', async () => {
    await withLake(async (lake) => {
      lake.write('orders', '2026-03-01', 'LOAD00000001.csv', [ORDER_HEADER, order('o1', 'placed', '2026-03-01 09:15:30', '2026-03-01 09:15:30', '1234.5')]);
      await lake.process();
      const [row] = await lake.rows('orders', 'order_id');
      assert.deepEqual(row, {
        order_id: 'o1',
        user_id: 'u-o1',
        phone: '+919800000000',
        email: 'o1@example.com',
        status: 'placed',
        vertical: 'pharmacy',
        total_amount: 1234.5,
        currency: 'INR',
        created_at: new Date('2026-03-01T09:15:30Z'),
        updated_at: new Date('2026-03-01T09:15:30Z'),
        dt: '2026-03-01',
      });
    });
  });

  it('breaks a tie on updated_at by file order, then by line order within a file', async () => {
    await withLake(async (lake) => {
      const same = '2026-03-01 11:00:00';
      lake.write('orders', '2026-03-01', 'LOAD00000001.csv', [ORDER_HEADER, order('o3', 'placed', same, same)]);
      lake.write('orders', '2026-03-01', '20260301-110000000.csv', [CHANGE_HEADER, `U,${order('o3', 'confirmed', same, same)}`]);
      lake.write('orders', '2026-03-02', '20260302-000000000.csv', [
        CHANGE_HEADER,
        `U,${order('o3', 'packed', same, same)}`,
        `U,${order('o3', 'cancelled', same, same)}`,
      ]);
      await lake.process();
      const rows = await lake.rows('orders', 'order_id');
      assert.deepEqual(
        rows.map((r) => r.status),
        ['cancelled'],
      );
    });
  });

  it('brings a deleted row back when it is inserted again later', async () => {
    await withLake(async (lake) => {
      lake.write('orders', '2026-03-01', 'LOAD00000001.csv', [ORDER_HEADER, order('o2', 'placed', '2026-03-01 10:00:00', '2026-03-01 10:00:00')]);
      lake.write('orders', '2026-03-01', '20260301-130000000.csv', [CHANGE_HEADER, `D,${order('o2', 'placed', '2026-03-01 10:00:00', '2026-03-01 13:00:00')}`]);
      lake.write('orders', '2026-03-02', '20260302-100000000.csv', [
        CHANGE_HEADER,
        `I,${order('o2', 'placed again', '2026-03-01 10:00:00', '2026-03-02 10:00:00', '75.00')}`,
      ]);
      await lake.process();
      const rows = await lake.rows('orders', 'order_id');
      assert.deepEqual(
        rows.map((r) => [r.order_id, r.status, r.total_amount, r.dt]),
        [['o2', 'placed again', 75, '2026-03-01']],
      );
    });
  });

  it('finds columns by header name, so reordered or added DMS columns still land right', async () => {
    await withLake(async (lake) => {
      lake.write('orders', '2026-03-01', '20260301-000000000.csv', [
        'Op,order_id,updated_at,created_at,status,coupon_code,user_id,total_amount,currency,vertical,phone,email',
        'I,o9,2026-03-01 10:00:00,2026-03-01 09:00:00,"placed, paid",NEW10,u9,1000.00,INR,labs,,',
      ]);
      await lake.process();
      const [row] = await lake.rows('orders', 'order_id');
      assert.equal(row?.user_id, 'u9');
      assert.equal(row?.status, 'placed, paid', 'a quoted comma is not a column break');
      assert.equal(row?.vertical, 'labs');
      assert.equal(row?.total_amount, 1000);
      assert.equal(row?.phone, null);
      assert.deepEqual(row?.created_at, new Date('2026-03-01T09:00:00Z'));
      assert.deepEqual(lake.quarantine('orders', '2026-03-01'), []);
    });
  });

  it('builds lab bookings and consultations the same way, with their own keys and types', async () => {
    await withLake(async (lake) => {
      lake.write('lab_bookings', '2026-03-01', 'LOAD00000001.csv', [
        'booking_id,user_id,phone,email,test_code,test_name,status,amount,currency,slot_at,created_at,updated_at',
        'b1,u1,,,CBC,"Complete Blood Count, CBC",booked,399.00,INR,2026-03-03 07:30:00,2026-03-01 08:00:00,2026-03-01 08:00:00',
      ]);
      lake.write('lab_bookings', '2026-03-02', '20260302-000000000.csv', [
        'Op,booking_id,user_id,phone,email,test_code,test_name,status,amount,currency,slot_at,created_at,updated_at',
        'U,b1,u1,,,CBC,"Complete Blood Count, CBC",sample_collected,399.00,INR,2026-03-03 07:30:00,2026-03-01 08:00:00,2026-03-03 08:00:00',
      ]);
      lake.write('consultations', '2026-03-01', 'LOAD00000001.csv', [
        'consultation_id,user_id,phone,email,speciality,mode,status,fee,currency,created_at,updated_at',
        'c1,u1,,,dermatology,video,completed,500,INR,2026-03-01 18:00:00,2026-03-01 18:30:00',
      ]);
      const summary = await lake.process();
      const [booking] = await lake.rows('lab_bookings', 'booking_id');
      assert.equal(booking?.status, 'sample_collected');
      assert.equal(booking?.test_name, 'Complete Blood Count, CBC');
      assert.deepEqual(booking?.slot_at, new Date('2026-03-03T07:30:00Z'));
      assert.equal(booking?.amount, 399);
      const [consultation] = await lake.rows('consultations', 'consultation_id');
      assert.equal(consultation?.fee, 500);
      assert.equal(consultation?.dt, '2026-03-01');
      assert.deepEqual(summary.tables.lab_bookings, { rowsIn: 2, rowsOut: 1, partitionsWritten: 1 });
    });
  });
});
