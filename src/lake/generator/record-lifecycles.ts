import type { Vertical } from './catalog';
import { DAY, dmsTime, floorTo, HOUR, IST_OFFSET, MINUTE, SECOND } from './clock';
import { type CdcRecord, rupees, type RowContact } from './cdc-model';
import { DIRT_RATES } from './dirt';
import type { Rng } from './prng';
import { RowLog } from './row-log';

// How rows change after insert. Statuses progress over hours and days; a few rows are cancelled,
// updated twice in quick succession, or deleted, as operations teams do.

/** How a lab test or consultation ended, which settles the order that paid for it. */
export interface ServiceOutcome {
  readonly at: number;
  readonly status: 'delivered' | 'cancelled';
}

export interface OrderDraft {
  readonly orderId: string;
  readonly contact: RowContact;
  readonly vertical: Vertical;
  readonly totalPaise: number;
  readonly createdAt: number;
  /** For lab tests and consultations: the booking's outcome decides the order's. */
  readonly outcome?: ServiceOutcome;
}

function maybeDelete(rng: Rng, log: RowLog): void {
  if (rng.chance(DIRT_RATES.deletedRecord)) log.delete(log.lastCommit + Math.round(rng.between(HOUR, 4 * DAY)));
}

export function orderRecord(rng: Rng, draft: OrderDraft): CdcRecord {
  const c = draft.contact;
  const log = new RowLog(
    rng,
    (s) => [draft.orderId, c.userId, c.phone, c.email, s.status, draft.vertical, rupees(s.amountPaise), 'INR', dmsTime(s.createdAt), dmsTime(s.updatedAt)],
    { status: 'placed', amountPaise: draft.totalPaise, slotAt: 0, createdAt: draft.createdAt },
  );
  const confirmAt = draft.createdAt + Math.round(rng.between(MINUTE, 25 * MINUTE));
  if (rng.chance(0.03)) {
    log.update(confirmAt, { status: 'cancelled' });
  } else {
    log.update(confirmAt, { status: 'confirmed' });
    if (rng.chance(DIRT_RATES.sameSecondUpdate)) {
      // Payment reversal racing the confirmation: same updated_at, and it misses the file cut.
      log.updateSameSecond({ status: 'cancelled' });
    } else {
      if (rng.chance(DIRT_RATES.quickSecondUpdate)) {
        log.update(log.lastCommit + Math.round(rng.between(3 * SECOND, 40 * SECOND)), { amountPaise: Math.round(draft.totalPaise * rng.pick([0.95, 0.9, 0.85])) });
      }
      if (draft.outcome) {
        log.update(Math.max(draft.outcome.at, log.lastCommit) + Math.round(rng.between(SECOND, 10 * MINUTE)), { status: draft.outcome.status });
      } else if (rng.chance(0.05)) {
        log.update(log.lastCommit + Math.round(rng.between(HOUR, 20 * HOUR)), { status: 'cancelled' });
      } else {
        log.update(log.lastCommit + Math.round(rng.between(3 * HOUR, 26 * HOUR)), { status: 'shipped' });
        log.update(log.lastCommit + Math.round(rng.between(14 * HOUR, 72 * HOUR)), { status: 'delivered' });
      }
    }
  }
  maybeDelete(rng, log);
  return { table: 'orders', key: draft.orderId, junk: c.junk, changes: log.changes };
}

/** Home sample collection slots run 07:00-11:00 IST, one to three days ahead. */
function collectionSlot(rng: Rng, after: number): number {
  const istDay = floorTo(after + IST_OFFSET, DAY) + rng.int(1, 3) * DAY;
  return istDay - IST_OFFSET + 7 * HOUR + rng.int(0, 7) * 30 * MINUTE;
}

export interface BookingDraft {
  readonly key: string;
  readonly contact: RowContact;
  readonly code: string;
  readonly name: string;
  readonly amountPaise: number;
  readonly createdAt: number;
}

export function labBookingRecord(rng: Rng, draft: BookingDraft): { record: CdcRecord; outcome: ServiceOutcome; slotAt: number } {
  const c = draft.contact;
  const log = new RowLog(
    rng,
    (s) => [draft.key, c.userId, c.phone, c.email, draft.code, draft.name, s.status, rupees(s.amountPaise), 'INR', dmsTime(s.slotAt), dmsTime(s.createdAt), dmsTime(s.updatedAt)],
    { status: 'booked', amountPaise: draft.amountPaise, slotAt: collectionSlot(rng, draft.createdAt), createdAt: draft.createdAt },
  );
  const firstSlot = log.slotAt;
  let outcome: ServiceOutcome;
  if (rng.chance(0.08)) {
    log.update(draft.createdAt + Math.round(rng.between(HOUR, 12 * HOUR)), { status: 'rescheduled', slotAt: log.slotAt + rng.int(1, 2) * DAY });
  }
  if (rng.chance(0.06)) {
    log.update(draft.createdAt + Math.round(rng.between(30 * MINUTE, Math.max(HOUR, log.slotAt - draft.createdAt))), { status: 'cancelled' });
    outcome = { at: log.lastCommit, status: 'cancelled' };
  } else {
    log.update(log.slotAt + Math.round(rng.between(0, 50 * MINUTE)), { status: 'sample_collected' });
    log.update(log.lastCommit + Math.round(rng.between(10 * HOUR, 36 * HOUR)), { status: 'report_ready' });
    outcome = { at: log.lastCommit, status: 'delivered' };
  }
  maybeDelete(rng, log);
  return { record: { table: 'lab_bookings', key: draft.key, junk: c.junk, changes: log.changes }, outcome, slotAt: firstSlot };
}

export function consultationRecord(rng: Rng, draft: BookingDraft & { mode: string }): { record: CdcRecord; outcome: ServiceOutcome } {
  const c = draft.contact;
  const log = new RowLog(
    rng,
    (s) => [draft.key, c.userId, c.phone, c.email, draft.code, draft.mode, s.status, rupees(s.amountPaise), 'INR', dmsTime(s.createdAt), dmsTime(s.updatedAt)],
    { status: 'scheduled', amountPaise: draft.amountPaise, slotAt: draft.createdAt + Math.round(rng.between(15 * MINUTE, 30 * HOUR)), createdAt: draft.createdAt },
  );
  const roll = rng.float();
  let outcome: ServiceOutcome;
  if (roll < 0.05) {
    log.update(draft.createdAt + Math.round(rng.between(5 * MINUTE, Math.max(10 * MINUTE, log.slotAt - draft.createdAt))), { status: 'cancelled' });
    outcome = { at: log.lastCommit, status: 'cancelled' };
  } else if (roll < 0.09) {
    log.update(log.slotAt + 30 * MINUTE, { status: 'no_show' });
    outcome = { at: log.lastCommit, status: 'cancelled' };
  } else {
    log.update(log.slotAt + Math.round(rng.between(2 * MINUTE, 10 * MINUTE)), { status: 'in_progress' });
    log.update(log.lastCommit + Math.round(rng.between(8 * MINUTE, 25 * MINUTE)), { status: 'completed' });
    outcome = { at: log.lastCommit, status: 'delivered' };
  }
  maybeDelete(rng, log);
  return { record: { table: 'consultations', key: draft.key, junk: c.junk, changes: log.changes }, outcome };
}
