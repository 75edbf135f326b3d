import type { CdcSource } from '../lake-layout';

/** How a DMS text field is typed in the processed zone. */
export type CdcColumnType = 'text' | 'timestamp' | 'amount';

export interface CdcColumn {
  name: string;
  type: CdcColumnType;
}

/** One replicated table: its columns in source order; the first is the primary key. */
export interface CdcTableSpec {
  source: CdcSource;
  primaryKey: string;
  columns: readonly CdcColumn[];
}

const text = (name: string): CdcColumn => ({ name, type: 'text' });
const timestamp = (name: string): CdcColumn => ({ name, type: 'timestamp' });
const amount = (name: string): CdcColumn => ({ name, type: 'amount' });

/** The transactional tables as DESIGN.md's data contracts define them. */
export const CDC_TABLES: readonly CdcTableSpec[] = [
  {
    source: 'orders',
    primaryKey: 'order_id',
    columns: [
      text('order_id'),
      text('user_id'),
      text('phone'),
      text('email'),
      text('status'),
      text('vertical'),
      amount('total_amount'),
      text('currency'),
      timestamp('created_at'),
      timestamp('updated_at'),
    ],
  },
  {
    source: 'lab_bookings',
    primaryKey: 'booking_id',
    columns: [
      text('booking_id'),
      text('user_id'),
      text('phone'),
      text('email'),
      text('test_code'),
      text('test_name'),
      text('status'),
      amount('amount'),
      text('currency'),
      timestamp('slot_at'),
      timestamp('created_at'),
      timestamp('updated_at'),
    ],
  },
  {
    source: 'consultations',
    primaryKey: 'consultation_id',
    columns: [
      text('consultation_id'),
      text('user_id'),
      text('phone'),
      text('email'),
      text('speciality'),
      text('mode'),
      text('status'),
      amount('fee'),
      text('currency'),
      timestamp('created_at'),
      timestamp('updated_at'),
    ],
  },
];
