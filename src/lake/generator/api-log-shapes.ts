import { isoTime, SECOND } from './clock';
import { DIRT_RATES, JUNK_DEVICE_IDS, JUNK_USER_IDS } from './dirt';
import { formatPhone } from './identifiers';
import type { JsonObject, JsonValue } from './json';
import type { Platform } from './population';
import type { Rng } from './prng';

// Backend request/response logs. Each service puts identifiers somewhere else (a header, the
// body, the query string, nested in the response), which is exactly what makes them hard to use.

export type ApiService = 'auth' | 'cart' | 'orders' | 'lab' | 'consult' | 'search';

export interface ApiLog extends JsonObject {
  ts: string;
  service: ApiService;
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  status: number;
  latency_ms: number;
  request: { headers: Record<string, string>; query: Record<string, string>; body: JsonObject | null };
  response: { body: JsonObject | null };
}

export interface TimedApiLog {
  readonly body: ApiLog;
  /** When the log shipper delivered it to the lake. */
  readonly landedMs: number;
}

/** Who is calling: what the app knows about itself at that moment. */
export interface Caller {
  readonly deviceId?: string;
  readonly userId?: string;
  readonly platform: Platform | 'server';
  readonly userAgent?: string;
}

const ERROR_STATUSES = [400, 401, 404, 409, 429, 500, 502, 503];
const APP_UA: Record<Platform | 'server', string> = {
  android: 'HealthPlus/6.4.1 (Android; okhttp/4.12.0)',
  ios: 'HealthPlus/6.4.0 (iOS; CFNetwork/1494.0.7)',
  web: 'Mozilla/5.0',
  server: 'refill-scheduler/2.3.0',
};

/** Builds API log lines into a sink; every builder returns the ids it minted for the caller. */
export class ApiLogBuilder {
  constructor(
    private readonly rng: Rng,
    private readonly sink: TimedApiLog[],
  ) {}

  private headers(caller: Caller, extra: Record<string, string> = {}): Record<string, string> {
    const headers: Record<string, string> = {
      'x-request-id': this.rng.uuid(),
      'user-agent': caller.userAgent ?? APP_UA[caller.platform],
      'accept-language': 'en-IN',
    };
    if (caller.deviceId !== undefined) headers['x-device-id'] = caller.deviceId;
    if (caller.userId !== undefined) headers['x-user-id'] = caller.userId;
    return { ...headers, ...extra };
  }

  private log(at: number, service: ApiService, method: ApiLog['method'], path: string, request: ApiLog['request'], data: JsonObject, okStatus = 200): void {
    const failed = this.rng.chance(0.03);
    const status = failed ? this.rng.pick(ERROR_STATUSES) : okStatus;
    if (this.rng.chance(DIRT_RATES.junkApiCall)) {
      if (this.rng.chance(0.5)) request.headers['x-device-id'] = this.rng.pick(JUNK_DEVICE_IDS);
      else request.headers['x-user-id'] = this.rng.pick(JUNK_USER_IDS);
    }
    const body: ApiLog = {
      ts: isoTime(at),
      service,
      method,
      path,
      status,
      latency_ms: Math.max(2, Math.round(this.rng.logNormal(status >= 500 ? 900 : 45, 0.7))),
      request,
      response: { body: failed ? { error: { code: `E${status}`, message: status >= 500 ? 'upstream unavailable' : 'request rejected' } } : { data, trace_id: this.rng.hex(8) } },
    };
    this.sink.push({ body, landedMs: at + this.rng.int(SECOND, 20 * SECOND) });
  }

  search(at: number, caller: Caller, term: string, resultIds: readonly string[]): void {
    const query: Record<string, string> = { q: term, page: '1', limit: '20' };
    if (caller.deviceId !== undefined && this.rng.chance(0.3)) query.device_id = caller.deviceId;
    this.log(at, 'search', 'GET', '/v1/search', { headers: this.headers(caller), query, body: null }, { total: resultIds.length * 7, results: [...resultIds] });
  }

  otpSend(at: number, caller: Caller, phoneDigits: string): void {
    const body = { phone: formatPhone(this.rng, phoneDigits, 'api'), channel: 'sms' };
    this.log(at, 'auth', 'POST', '/v1/auth/otp/send', { headers: this.headers(caller), query: {}, body }, { request_id: this.rng.hex(6), expires_in: 300 });
  }

  otpVerify(at: number, caller: Caller, phoneDigits: string, userId: string, email: string): void {
    const body = { phone: formatPhone(this.rng, phoneDigits, 'api'), otp: '******', device: { id: caller.deviceId ?? null, platform: caller.platform } };
    const data = { user_id: userId, token: 'redacted', customer: { phone: formatPhone(this.rng, phoneDigits, 'api'), email, is_new: false } };
    this.log(at, 'auth', 'POST', '/v1/auth/otp/verify', { headers: this.headers(caller), query: {}, body }, data);
  }

  profile(at: number, caller: Caller, userId: string, phoneDigits: string, email: string, name: string): void {
    const data = { user_id: userId, customer: { name, phone: formatPhone(this.rng, phoneDigits, 'api'), email } };
    this.log(at, 'auth', 'GET', '/v1/users/me', { headers: this.headers(caller, { authorization: 'Bearer redacted' }), query: {}, body: null }, data);
  }

  cartAdd(at: number, caller: Caller, sku: string, productId: string, quantity: number, cartId: string): void {
    const body = { user: caller.userId === undefined ? null : { id: caller.userId }, item: { sku, product_id: productId, quantity }, cart_id: cartId };
    this.log(at, 'cart', 'POST', '/v1/cart/items', { headers: this.headers(caller), query: {}, body }, { cart_id: cartId, items_count: quantity });
  }

  orderCreate(at: number, caller: Caller, order: { orderId: string; userId: string; phone: string; email: string; amount: string; items: JsonValue[] }): void {
    const body = { user_id: order.userId, contact: { phone: order.phone, email: order.email }, items: order.items, payment: { method: this.rng.pick(['upi', 'card', 'cod', 'netbanking', 'wallet']) } };
    const data = { order_id: order.orderId, status: 'placed', amount: order.amount, customer: { phone: order.phone } };
    this.log(at, 'orders', 'POST', '/v1/orders', { headers: this.headers(caller), query: {}, body }, data, 201);
  }

  refillRun(at: number, order: { orderId: string; userId: string; items: JsonValue[] }): void {
    const headers = this.headers({ platform: 'server' }, { 'x-service': 'refill-scheduler' });
    const body = { user_id: order.userId, subscription_id: `sub_${order.userId.slice(2)}`, items: order.items };
    this.log(at, 'orders', 'POST', '/internal/v1/refills/run', { headers, query: {}, body }, { order_id: order.orderId, user_id: order.userId }, 201);
  }

  labSlots(at: number, caller: Caller, phoneDigits: string, pincode: string, testCode: string): void {
    const query = { phone: formatPhone(this.rng, phoneDigits, 'api'), pincode, test_code: testCode };
    this.log(at, 'lab', 'GET', '/v1/lab/slots', { headers: this.headers(caller), query, body: null }, { slots: ['07:00', '07:30', '08:00', '09:30'], pincode });
  }

  labBook(at: number, caller: Caller, booking: { bookingId: string; userId: string; name: string; phone: string; testCode: string; slotAt: string }): void {
    const body = { patient: { name: booking.name, phone: booking.phone, age: this.rng.int(18, 75) }, user_id: booking.userId, test_code: booking.testCode, slot_at: booking.slotAt };
    this.log(at, 'lab', 'POST', '/v1/lab/bookings', { headers: this.headers(caller), query: {}, body }, { booking_id: booking.bookingId, status: 'booked', customer: { phone: booking.phone } }, 201);
  }

  consultBook(at: number, caller: Caller, consultation: { consultationId: string; userId: string; email: string; phone: string; speciality: string; mode: string }): void {
    const body = { user: { id: consultation.userId }, contact: { email: consultation.email }, speciality: consultation.speciality, mode: consultation.mode };
    const data = { consultation_id: consultation.consultationId, user_id: consultation.userId, doctor: { id: `dr_${this.rng.int(100, 999)}` }, customer: { phone: consultation.phone } };
    this.log(at, 'consult', 'POST', '/v1/consultations', { headers: this.headers(caller), query: {}, body }, data, 201);
  }
}

/** Every string leaf of a log's request and response: where identifiers may hide. */
export function apiLogStrings(log: ApiLog): string[] {
  const out: string[] = [];
  const walk = (value: JsonValue | undefined): void => {
    if (typeof value === 'string') out.push(value);
    else if (Array.isArray(value)) value.forEach(walk);
    else if (value !== null && typeof value === 'object') Object.values(value).forEach(walk);
  };
  walk(log.request.headers);
  walk(log.request.query);
  walk(log.request.body);
  walk(log.response.body);
  return out;
}
