import { CATEGORIES, type Category, productById, PRODUCTS_BY_CATEGORY } from './catalog';
import { DAY, floorTo, HOUR, IST_OFFSET, MINUTE } from './clock';
import { runSession, type SessionPlan } from './clickstream-journeys';
import { type CartLine, placeOrder } from './commerce';
import { type GeneratorContext, UserRun } from './generator-context';
import { HISTORY_DAYS } from './generation-window';
import { buildPerson, type Device, type Install } from './population';
import type { Rng } from './prng';

// One customer's whole period: orders before the window (they fill DMS's full load), refills on
// their schedule, calls to the call centre, and visits to the app or site.

/** Sessions per hour of the IST day: a late-morning bump and a long evening peak. */
const IST_HOUR_WEIGHTS = [2, 1, 0.5, 0.3, 0.3, 0.5, 1.5, 3, 5, 6, 7, 7, 6.5, 6, 5.5, 5.5, 6, 6.5, 7.5, 8.5, 9, 8, 6, 4];

/** A moment on a given IST day with the shape of human activity. */
function humanTime(rng: Rng, istDayStartUtc: number): number {
  return istDayStartUtc + rng.weightedIndex(IST_HOUR_WEIGHTS) * HOUR + Math.floor(rng.float() * HOUR);
}

function randomMoment(rng: Rng, from: number, days: number): number {
  const day = Math.floor(rng.float() * days);
  return humanTime(rng, from + day * DAY - IST_OFFSET);
}

function installAt(device: Device, at: number): Install {
  let current = device.installs[0];
  for (const install of device.installs) if (install.from <= at) current = install;
  return current;
}

function pickDevice(rng: Rng, devices: readonly Device[]): Device {
  const own = devices.filter((d) => !d.shared);
  return own.length === 1 || rng.chance(0.7) ? own[0] : rng.pick(own.slice(1));
}

function basket(rng: Rng, category: Category): CartLine[] {
  const products = PRODUCTS_BY_CATEGORY.get(category) ?? [];
  const first = rng.pick(products);
  const lines: CartLine[] = [{ product: first, quantity: category === 'medicines' ? rng.int(1, 3) : 1 }];
  const second = rng.pick(products);
  if (second !== first && (category === 'medicines' || category === 'wellness' || category === 'personal care') && rng.chance(0.3)) {
    lines.push({ product: second, quantity: 1 });
  }
  return lines;
}

function refillTimes(rng: Rng, run: UserRun): number[] {
  const plan = run.person.chronic;
  if (!plan) return [];
  const times: number[] = [];
  for (let t = plan.firstRefill; t < run.ctx.window.end; t += plan.cadenceDays * DAY + Math.round(rng.between(-2 * DAY, 2 * DAY))) times.push(t);
  return times;
}

function planSessions(run: UserRun, refillVisits: { at: number; lines: CartLine[] }[]): SessionPlan[] {
  const { rng, person, ctx } = run;
  const { window } = ctx;
  const plans: SessionPlan[] = [];
  const add = (start: number, device: Device, refill?: CartLine[]): void => {
    if (start >= window.start && start < window.end) plans.push({ start, device, install: installAt(device, start), refill });
  };
  const count = rng.poisson(person.sessionsPerDay * window.days);
  for (let i = 0; i < count; i++) add(randomMoment(rng, window.start, window.days), pickDevice(rng, person.devices));
  const tablet = person.devices.find((d) => d.shared);
  if (tablet) {
    const visits = 1 + rng.poisson(0.06 * window.days);
    for (let i = 0; i < visits; i++) add(randomMoment(rng, window.start, window.days), tablet);
  }
  for (const visit of refillVisits) add(visit.at, person.devices[0], visit.lines);
  return plans.sort((a, b) => a.start - b.start);
}

export function simulateUser(ctx: GeneratorContext, index: number): UserRun {
  const person = buildPerson(ctx.seeds, ctx.window, index);
  const rng = ctx.seeds.rng('activity', index);
  const run = new UserRun(ctx, person, rng);
  const { window } = ctx;
  const refillVisits: { at: number; lines: CartLine[] }[] = [];

  if (person.userId !== undefined) {
    const historyRate = person.offlineOrdersPerDay + person.sessionsPerDay * 0.05;
    const history = rng.poisson(historyRate * HISTORY_DAYS);
    const historyOrders: { at: number; lines: CartLine[] }[] = [];
    for (let i = 0; i < history; i++) {
      historyOrders.push({ at: randomMoment(rng, window.historyStart, HISTORY_DAYS), lines: basket(rng, CATEGORIES[rng.weightedIndex(person.interests)]) });
    }
    const kit = person.chronic?.productIds.map((id) => ({ product: productById(id), quantity: rng.int(1, 2) })) ?? [];
    for (const at of refillTimes(rng, run)) {
      if (at < window.start) historyOrders.push({ at, lines: kit });
      else if (person.chronic?.autoship === true) placeOrder(run, kit, at + rng.int(0, 59) * MINUTE, 'autoship');
      else refillVisits.push({ at: humanTime(rng, floorTo(at + IST_OFFSET, DAY) - IST_OFFSET), lines: kit });
    }
    for (const order of historyOrders.sort((a, b) => a.at - b.at)) placeOrder(run, order.lines, order.at, 'history');
    const calls = rng.poisson(person.offlineOrdersPerDay * 0.25 * window.days);
    for (let i = 0; i < calls; i++) {
      placeOrder(run, basket(rng, CATEGORIES[rng.weightedIndex(person.interests)]), randomMoment(rng, window.start, window.days), 'call_centre');
    }
  }
  for (const plan of planSessions(run, refillVisits)) runSession(run, plan);
  return run;
}
