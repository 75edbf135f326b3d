import type { CdcSource } from '../lake-layout';

/** Column order of each replicated table, as DESIGN.md's data contracts list them; the first is the key. */
export const CDC_COLUMNS: Readonly<Record<CdcSource, readonly string[]>> = {
  orders: ['order_id', 'user_id', 'phone', 'email', 'status', 'vertical', 'total_amount', 'currency', 'created_at', 'updated_at'],
  lab_bookings: ['booking_id', 'user_id', 'phone', 'email', 'test_code', 'test_name', 'status', 'amount', 'currency', 'slot_at', 'created_at', 'updated_at'],
  consultations: ['consultation_id', 'user_id', 'phone', 'email', 'speciality', 'mode', 'status', 'fee', 'currency', 'created_at', 'updated_at'],
};

export type CdcOp = 'I' | 'U' | 'D';

/**
 * How a change travels to the lake: `normal` within seconds; `late` stuck in a DMS backlog for a
 * day or two; `nextFile` committed just after the batch it belongs with was cut.
 */
export type Landing = 'normal' | 'late' | 'nextFile';

export interface CdcChange {
  readonly op: CdcOp;
  /** Commit time in ms; DMS writes change files in commit order. */
  readonly commitAt: number;
  /** Every column, in CDC_COLUMNS order; a `D` carries the row as it was (DMS's before-image). */
  readonly row: readonly string[];
  readonly landing: Landing;
}

/** One row's whole life, from insert to its last change. */
export interface CdcRecord {
  readonly table: CdcSource;
  readonly key: string;
  /** Carries a placeholder phone or email on every version. */
  readonly junk: boolean;
  readonly changes: readonly CdcChange[];
}

/** Who a transactional row belongs to, written the way that table's system writes contacts. */
export interface RowContact {
  readonly userId: string;
  readonly phone: string;
  readonly email: string;
  readonly junk: boolean;
}

export function rupees(paise: number): string {
  return (paise / 100).toFixed(2);
}
