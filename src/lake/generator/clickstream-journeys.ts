import { ApiLogBuilder, type Caller } from './api-log-shapes';
import { CATEGORIES, type Product, productById, PRODUCTS_BY_CATEGORY, type Promotion, REFILL_PROMOTION, SEARCH_TERMS } from './catalog';
import { cartTotalPaise, type CartLine, placeOrder } from './commerce';
import { DIRT_RATES } from './dirt';
import type { UserRun } from './generator-context';
import { emailAsTyped, formatPhone } from './identifiers';
import type { JsonObject } from './json';
import type { Device, Install } from './population';
import { type InstallMemory, SessionEmitter } from './session-emitter';

// One visit to the app or site, as a funnel: banners are seen, a few are clicked, some clicks lead
// to a cart, fewer carts to a checkout, and checkouts mostly to an order. Checkout needs a login,
// which is where anonymous browsing becomes an identified customer.

export interface SessionPlan {
  readonly start: number;
  readonly device: Device;
  readonly install: Install;
  /** A refill visit starts from the "refill due" card rather than browsing. */
  readonly refill?: readonly CartLine[];
}

const FUNNEL = {
  bannerSlotShown: 0.6,
  addAfterBannerClick: 0.35,
  addWhileBrowsing: 0.09,
  checkout: 0.55,
  checkoutRefill: 0.9,
  loginToCheckout: 0.85,
  payAfterCheckout: 0.8,
  loginOnOpen: 0.3,
} as const;

const CAMPAIGNS: readonly JsonObject[] = [
  { name: 'winter_wellness', source: 'google', medium: 'cpc' },
  { name: 'diabetes_awareness', source: 'facebook', medium: 'paid_social' },
  { name: 'weekly_newsletter', source: 'newsletter', medium: 'email' },
  { name: 'lab_tests_brand', source: 'google', medium: 'cpc' },
];

function productProperties(product: Product): JsonObject {
  return { product_id: product.productId, sku: product.sku, name: product.name, category: product.category, price: product.pricePaise / 100, currency: 'INR' };
}

function promotionProperties(promotion: Promotion): JsonObject {
  return { promotion_id: promotion.id, creative: promotion.creative, name: promotion.name, position: promotion.position };
}

function lineItems(cart: readonly CartLine[]): JsonObject[] {
  return cart.map((line) => ({ ...productProperties(line.product), quantity: line.quantity }));
}

class Visit {
  readonly s: SessionEmitter;
  readonly api: ApiLogBuilder;
  readonly cart: CartLine[] = [];
  private readonly cartId: string;

  constructor(
    readonly run: UserRun,
    readonly plan: SessionPlan,
  ) {
    const { rng } = run;
    const memory = this.memory();
    const web = plan.device.platform === 'web';
    const campaign = rng.chance(web ? 0.25 : 0.06) ? rng.pick(CAMPAIGNS) : undefined;
    this.s = new SessionEmitter(rng, run.events, { device: plan.device, install: plan.install, start: plan.start, memory, campaign });
    this.api = new ApiLogBuilder(rng, run.apiLogs);
    this.cartId = `cart_${rng.hex(6)}`;
  }

  private memory(): InstallMemory {
    const { run, plan } = this;
    const existing = run.installs.get(plan.install.anonymousId);
    if (existing) return existing;
    const person = run.person;
    const fresh: InstallMemory =
      plan.install.loggedInAtStart && person.userId !== undefined ? { userId: person.userId, traits: this.loginTraits() } : { traits: {} };
    run.installs.set(plan.install.anonymousId, fresh);
    return fresh;
  }

  private loginTraits(): JsonObject {
    const { person, rng } = this.run;
    const email = rng.chance(DIRT_RATES.junkLoginEmail) ? 'test@test.com' : emailAsTyped(rng, person.email);
    return { name: `${person.firstName} ${person.lastName}`, email, phone: formatPhone(rng, person.phone, 'app') };
  }

  caller(): Caller {
    const d = this.plan.device;
    return { deviceId: d.id, userId: this.s.userId, platform: d.platform, userAgent: d.userAgent };
  }

  open(): void {
    const web = this.plan.device.platform === 'web';
    this.s.view('Home', web ? { path: '/', url: 'https://www.healthplus.in/', title: 'HealthPlus: Medicines, Lab Tests, Doctors', referrer: '$direct' } : { name: 'Home' });
  }

  /** OTP login: two auth calls, then the SDK's identify (and, for a first login, sometimes an alias). */
  login(): boolean {
    const { person, rng } = this.run;
    if (person.userId === undefined) return false;
    const firstLogin = !person.knownBefore && ![...this.run.installs.values()].some((m) => m.userId !== undefined);
    this.api.otpSend(this.s.now, this.caller(), person.phone);
    this.s.wait(15, 60);
    this.api.otpVerify(this.s.now, this.caller(), person.phone, person.userId, person.email);
    this.s.wait(1, 3);
    this.s.identify(person.userId, this.loginTraits());
    if (firstLogin && rng.chance(0.3)) this.s.alias(this.plan.install.anonymousId);
    if (person.corporateGroupId !== undefined) this.s.group(person.corporateGroupId, { name: 'Corporate wellness plan', plan: person.index % 2 === 0 ? 'gold' : 'silver' });
    if (rng.chance(0.3)) this.api.profile(this.s.now, this.caller(), person.userId, person.phone, person.email, `${person.firstName} ${person.lastName}`);
    return true;
  }

  viewProduct(product: Product): void {
    this.s.wait(4, 40);
    this.s.track('Product Viewed', productProperties(product));
  }

  add(product: Product): void {
    const { rng } = this.run;
    const quantity = product.category === 'medicines' || product.category === 'chronic care' ? rng.int(1, 3) : 1;
    this.s.wait(3, 25);
    this.s.track('Product Added', { ...productProperties(product), quantity, cart_id: this.cartId });
    this.api.cartAdd(this.s.now, this.caller(), product.sku, product.productId, quantity, this.cartId);
    this.cart.push({ product, quantity });
  }

  /** One cart holds one vertical: a lab test does not ship with a parcel. */
  canAdd(product: Product): boolean {
    return this.cart.length === 0 || (this.cart[0].product.category === product.category && !this.cart.some((l) => l.product === product));
  }

  banners(): void {
    const { rng, ctx } = this.run;
    const rotation = ctx.banners(ctx.window.dayIndex(this.s.now));
    if (rotation.length === 0 || !rng.chance(FUNNEL.bannerSlotShown)) return;
    const shown = new Set<Promotion>([rng.pickWeighted(rotation)]);
    if (rng.chance(0.4)) shown.add(rng.pickWeighted(rotation));
    for (const promotion of shown) {
      this.s.wait(1, 6);
      this.s.track('Promotion Viewed', promotionProperties(promotion));
    }
    for (const promotion of shown) {
      if (!rng.chance(promotion.ctr)) continue;
      this.s.wait(2, 15);
      this.s.track('Promotion Clicked', promotionProperties(promotion));
      const product = productById(rng.pick(promotion.productIds));
      this.viewProduct(product);
      if (rng.chance(FUNNEL.addAfterBannerClick) && this.canAdd(product)) this.add(product);
      return;
    }
  }

  browse(): void {
    const { rng, person } = this.run;
    const views = rng.weightedIndex([40, 35, 17, 8]);
    const category = CATEGORIES[rng.weightedIndex(person.interests)];
    const products = PRODUCTS_BY_CATEGORY.get(category) ?? [];
    for (let i = 0; i < views && products.length > 0; i++) {
      const product = rng.pick(products);
      if (i === 0 && rng.chance(0.5)) this.api.search(this.s.now, this.caller(), rng.pick(SEARCH_TERMS), products.slice(0, 5).map((p) => p.productId));
      this.viewProduct(product);
      if (rng.chance(FUNNEL.addWhileBrowsing) && this.canAdd(product)) this.add(product);
    }
  }

  refill(lines: readonly CartLine[]): void {
    const { rng } = this.run;
    this.s.wait(1, 4);
    this.s.track('Promotion Viewed', promotionProperties(REFILL_PROMOTION));
    if (rng.chance(REFILL_PROMOTION.ctr)) {
      this.s.wait(2, 10);
      this.s.track('Promotion Clicked', promotionProperties(REFILL_PROMOTION));
    }
    for (const line of lines) {
      this.viewProduct(line.product);
      this.s.wait(3, 20);
      this.s.track('Product Added', { ...productProperties(line.product), quantity: line.quantity, cart_id: this.cartId });
      this.api.cartAdd(this.s.now, this.caller(), line.product.sku, line.product.productId, line.quantity, this.cartId);
      this.cart.push(line);
    }
  }

  checkout(probability: number): void {
    const { rng } = this.run;
    if (this.cart.length === 0 || !rng.chance(probability)) return;
    if (this.s.userId === undefined && !(rng.chance(FUNNEL.loginToCheckout) && this.login())) return;
    const checkoutId = `chk_${rng.hex(8)}`;
    const value = cartTotalPaise(this.cart) / 100;
    this.s.wait(10, 60);
    this.s.track('Checkout Started', { checkout_id: checkoutId, value, revenue: value, currency: 'INR', products: lineItems(this.cart) });
    if (!rng.chance(FUNNEL.payAfterCheckout)) return;
    this.s.wait(30, 180);
    const orderId = placeOrder(this.run, this.cart, this.s.now, 'online', this.caller());
    if (orderId === undefined) return;
    this.s.wait(1, 4);
    this.s.track('Order Completed', { checkout_id: checkoutId, order_id: orderId, total: value, revenue: value, currency: 'INR', products: lineItems(this.cart) });
  }
}

/** Share of logged-in users who answer the consent banner, and of those who refuse advertising. */
export const CONSENT = { answer: 0.04, refuseAdvertising: 0.6 } as const;
export const CONSENT_EVENT = 'Segment Consent Preference Updated';

/**
 * A few logged-in users answer the consent banner once (Segment's consent-management spec:
 * `context.consent.categoryPreferences`). Who answers and what is decided from the seed's own
 * `consent` streams, and the event is emitted by an emitter on its own generator, so the rest of
 * the user's activity draws exactly the numbers it drew before consent existed.
 */
function answerConsent(run: UserRun, visit: Visit): void {
  const { ctx, person } = run;
  if (run.consentAnswered || visit.s.userId === undefined || ctx.seeds.uniform('consent', person.index) >= CONSENT.answer) return;
  run.consentAnswered = true;
  const rng = ctx.seeds.rng('consent-event', person.index);
  const memory = run.installs.get(visit.plan.install.anonymousId) ?? { userId: visit.s.userId, traits: {} };
  const banner = new SessionEmitter(rng, run.events, { device: visit.plan.device, install: visit.plan.install, start: visit.s.now, memory });
  banner.wait(2, 20);
  const advertising = ctx.seeds.uniform('consent-choice', person.index) >= CONSENT.refuseAdvertising;
  banner.track(CONSENT_EVENT, {}, { consent: { categoryPreferences: { Advertising: advertising, Analytics: true, Functional: true } } });
}

export function runSession(run: UserRun, plan: SessionPlan): void {
  const { rng, person } = run;
  const visit = new Visit(run, plan);
  visit.open();
  // Whoever picks up the family tablet logs in as themselves.
  if (plan.device.shared) visit.login();
  else if (person.userId !== undefined && visit.s.userId === undefined && rng.chance(FUNNEL.loginOnOpen)) visit.login();
  answerConsent(run, visit);
  if (plan.refill) {
    visit.refill(plan.refill);
    visit.checkout(FUNNEL.checkoutRefill);
  } else {
    visit.banners();
    visit.browse();
    visit.checkout(FUNNEL.checkout);
  }
}
