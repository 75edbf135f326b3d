import type { Caller } from './api-log-shapes';
import { ApiLogBuilder } from './api-log-shapes';
import { CONSULT_MODES, PINCODES, type Product, VERTICAL_OF } from './catalog';
import { DAY, dmsTime, SECOND } from './clock';
import type { RowContact } from './cdc-model';
import { rupees } from './cdc-model';
import { DIRT_RATES, JUNK_PHONES } from './dirt';
import type { UserRun } from './generator-context';
import { emailAsTyped, formatPhone, type PhoneHabit } from './identifiers';
import type { JsonValue } from './json';
import { consultationRecord, labBookingRecord, orderRecord, type ServiceOutcome } from './record-lifecycles';

export interface CartLine {
  readonly product: Product;
  readonly quantity: number;
}

/** Where an order came from; only online (app or web) orders have clickstream behind them. */
export type OrderChannel = 'online' | 'autoship' | 'call_centre' | 'history';

export function cartTotalPaise(lines: readonly CartLine[]): number {
  return lines.reduce((sum, line) => sum + line.product.pricePaise * line.quantity, 0);
}

/** Contact columns as one table's system stores them; now and then a placeholder slips in. */
function contactFor(run: UserRun, habit: PhoneHabit): RowContact {
  const { person, rng } = run;
  const userId = person.userId ?? '';
  if (rng.chance(DIRT_RATES.junkContactRecord)) {
    return rng.chance(0.5)
      ? { userId, phone: rng.pick(JUNK_PHONES), email: emailAsTyped(rng, person.email), junk: true }
      : { userId, phone: formatPhone(rng, person.phone, habit), email: 'test@test.com', junk: true };
  }
  return { userId, phone: formatPhone(rng, person.phone, habit), email: emailAsTyped(rng, person.email), junk: false };
}

function bookService(run: UserRun, line: CartLine, at: number, caller: Caller | undefined, api: ApiLogBuilder | undefined): ServiceOutcome | undefined {
  const { rng, person } = run;
  const code = line.product.serviceCode ?? line.product.productId;
  if (line.product.category === 'lab tests') {
    const key = run.nextKey('lab_bookings');
    if (key === undefined) return undefined;
    const contact = contactFor(run, 'bookings');
    const lab = labBookingRecord(rng, { key, contact, code, name: line.product.name, amountPaise: line.product.pricePaise * line.quantity, createdAt: at });
    run.records.push(lab.record);
    if (caller && api) {
      api.labSlots(at - Math.round(rng.between(30 * SECOND, 3 * 60 * SECOND)), caller, person.phone, rng.pick(PINCODES), code);
      api.labBook(at, caller, { bookingId: key, userId: contact.userId, name: `${person.firstName} ${person.lastName}`, phone: contact.phone, testCode: code, slotAt: dmsTime(lab.slotAt) });
    }
    return lab.outcome;
  }
  return consult(run, code, line.product.pricePaise * line.quantity, at, caller, api);
}

function consult(run: UserRun, speciality: string, feePaise: number, at: number, caller: Caller | undefined, api: ApiLogBuilder | undefined): ServiceOutcome | undefined {
  const { rng } = run;
  const key = run.nextKey('consultations');
  if (key === undefined) return undefined;
  const contact = contactFor(run, 'bookings');
  const mode = rng.pickWeighted(CONSULT_MODES).value;
  const result = consultationRecord(rng, { key, contact, code: speciality, name: speciality, amountPaise: feePaise, createdAt: at, mode });
  run.records.push(result.record);
  if (caller && api) api.consultBook(at, caller, { consultationId: key, userId: contact.userId, email: contact.email, phone: contact.phone, speciality, mode });
  // Doctors ask one patient in eight back for a free follow-up within the week.
  if (result.outcome.status === 'delivered' && feePaise > 0 && rng.chance(0.12)) {
    consult(run, speciality, 0, result.outcome.at + Math.round(rng.between(3 * DAY, 7 * DAY)), undefined, undefined);
  }
  return result.outcome;
}

/**
 * Writes an order (and the lab bookings or consultations it pays for) as CDC records, plus the
 * backend calls that created them. Returns the order id, or undefined if none could be minted.
 */
export function placeOrder(run: UserRun, lines: readonly CartLine[], createdAt: number, channel: OrderChannel, caller?: Caller): string | undefined {
  const { rng } = run;
  const orderId = run.nextKey('orders');
  if (orderId === undefined || lines.length === 0) return undefined;
  const vertical = VERTICAL_OF[lines[0].product.category];
  const totalPaise = cartTotalPaise(lines);
  const contact = contactFor(run, 'orders');
  const api = channel === 'history' ? undefined : new ApiLogBuilder(rng, run.apiLogs);
  const items: JsonValue[] = lines.map((l) => ({ sku: l.product.sku, qty: l.quantity, price: rupees(l.product.pricePaise) }));
  if (api && channel === 'autoship') api.refillRun(createdAt, { orderId, userId: contact.userId, items });
  else if (api) {
    const orderCaller = caller ?? { platform: 'server' as const, userAgent: 'callcentre-console/1.8' };
    api.orderCreate(createdAt, orderCaller, { orderId, userId: contact.userId, phone: contact.phone, email: contact.email, amount: rupees(totalPaise), items });
  }
  let outcome: ServiceOutcome | undefined;
  if (vertical === 'lab_tests' || vertical === 'consultations') {
    for (const line of lines) {
      const bookedAt = createdAt + Math.round(rng.between(2 * SECOND, 6 * SECOND));
      outcome = bookService(run, line, bookedAt, caller, api) ?? outcome;
    }
  }
  run.records.push(orderRecord(rng, { orderId, contact, vertical, totalPaise, createdAt, outcome }));
  return orderId;
}
