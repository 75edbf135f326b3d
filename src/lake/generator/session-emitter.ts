import { HOUR, isoTime, MINUTE, SECOND } from './clock';
import { DIRT_RATES, JUNK_DEVICE_IDS, JUNK_USER_IDS } from './dirt';
import type { JsonObject } from './json';
import type { Device, Install } from './population';
import type { Rng } from './prng';
import { EVENT_LATE, EVENT_NO_TIMESTAMP, EVENT_SKEWED, type RudderContext, type RudderEvent, type RudderType, type TimedEvent } from './rudder-event';

/** What the SDK on one install remembers between sessions. */
export interface InstallMemory {
  userId?: string;
  traits: JsonObject;
}

export interface SessionSetup {
  readonly device: Device;
  readonly install: Install;
  readonly start: number;
  readonly memory: InstallMemory;
  readonly campaign?: JsonObject;
}

type JunkSlot = 'userId' | 'anonymousId' | 'deviceId';

const APP = { name: 'HealthPlus', namespace: 'in.healthplus.app', version: '6.4.1' };
const IOS_APP = { name: 'HealthPlus', namespace: 'in.healthplus.ios', version: '6.4.0' };
const WEB_APP = { name: 'RudderLabs JavaScript SDK', namespace: 'com.rudderlabs.javascript', version: '3.11.0' };
const LIBRARIES = {
  android: { name: 'com.rudderstack.android.sdk.core', version: '1.21.2' },
  ios: { name: 'rudder-ios-library', version: '1.26.0' },
  web: { name: 'RudderLabs JavaScript SDK', version: '3.11.0' },
} as const;

/**
 * Emits one session's events with RudderStack's four clocks: originalTimestamp and sentAt from the
 * device (skew included), receivedAt from the server, and timestamp = receivedAt - (sentAt -
 * originalTimestamp), the server's skew correction. Session-wide dirt (an offline flush days later,
 * a wrong device clock, a missing timestamp, a placeholder id) is decided once, up front.
 */
export class SessionEmitter {
  private clock: number;
  private sent = 0;
  private readonly skewMs: number;
  /** Offline sessions are flushed in one batch when the phone is back online, days later. */
  private readonly flushAt: number | undefined;
  private readonly dropTimestamp: boolean;
  private readonly junk: { slot: JunkSlot; value: string } | undefined;
  private readonly deviceContext: RudderContext['device'];
  private readonly base: Pick<RudderContext, 'app' | 'library' | 'os' | 'device' | 'locale' | 'userAgent' | 'campaign'>;

  constructor(
    private readonly rng: Rng,
    private readonly sink: TimedEvent[],
    private readonly setup: SessionSetup,
  ) {
    this.clock = setup.start;
    const mobile = setup.device.platform !== 'web';
    this.skewMs = rng.chance(DIRT_RATES.skewedSession) ? (rng.chance(0.5) ? 1 : -1) * Math.round(rng.between(2 * MINUTE, 3 * HOUR)) : 0;
    this.flushAt = mobile && rng.chance(DIRT_RATES.offlineSession) ? setup.start + Math.round(rng.between(26 * HOUR, 80 * HOUR)) : undefined;
    this.dropTimestamp = rng.chance(DIRT_RATES.missingTimestampSession);
    this.junk = rng.chance(DIRT_RATES.junkSession) ? this.pickJunk() : undefined;
    const device = setup.device;
    const deviceId = this.junk?.slot === 'deviceId' ? this.junk.value : device.id;
    this.deviceContext = mobile
      ? { id: deviceId, manufacturer: device.manufacturer, model: device.model, type: device.platform === 'ios' ? 'iOS' : 'Android' }
      : { id: deviceId, type: 'browser' };
    this.base = {
      app: device.platform === 'web' ? WEB_APP : device.platform === 'ios' ? IOS_APP : APP,
      library: LIBRARIES[device.platform],
      os: { name: device.osName, version: device.osVersion },
      device: this.deviceContext,
      locale: 'en-IN',
      ...(device.userAgent ? { userAgent: device.userAgent } : {}),
      ...(setup.campaign ? { campaign: setup.campaign } : {}),
    };
  }

  private pickJunk(): { slot: JunkSlot; value: string } {
    const slot = this.rng.pick<JunkSlot>(['userId', 'anonymousId', 'deviceId']);
    if (slot === 'deviceId') return { slot, value: this.rng.pick(JUNK_DEVICE_IDS) };
    if (slot === 'anonymousId') return { slot, value: this.rng.pick(['undefined', 'null', '00000000-0000-0000-0000-000000000000']) };
    return { slot, value: this.rng.pick(JUNK_USER_IDS) };
  }

  get now(): number {
    return this.clock;
  }

  get platform(): Device['platform'] {
    return this.setup.device.platform;
  }

  get userId(): string | undefined {
    return this.setup.memory.userId;
  }

  get anonymousId(): string {
    return this.setup.install.anonymousId;
  }

  get deviceId(): string {
    return this.setup.device.id;
  }

  /** Time passes between taps: a few seconds to a minute. */
  wait(minSeconds: number, maxSeconds: number): void {
    this.clock += Math.round(this.rng.between(minSeconds * SECOND, maxSeconds * SECOND));
  }

  view(name: string, properties: JsonObject): void {
    const web = this.setup.device.platform === 'web';
    this.emit(web ? 'page' : 'screen', { name, properties });
  }

  /** `context` adds to the SDK's own context (a consent banner's `consent`, say). */
  track(event: string, properties: JsonObject, context: JsonObject = {}): void {
    this.emit('track', { event, properties }, context);
  }

  identify(userId: string, traits: JsonObject): void {
    this.setup.memory.userId = userId;
    this.setup.memory.traits = traits;
    this.emit('identify', { traits });
  }

  alias(previousId: string): void {
    this.emit('alias', { previousId });
  }

  group(groupId: string, traits: JsonObject): void {
    this.emit('group', { groupId, traits });
  }

  private emit(type: RudderType, fields: Partial<RudderEvent>, context: JsonObject = {}): void {
    const memory = this.setup.memory;
    const anonymousId = this.junk?.slot === 'anonymousId' ? this.junk.value : this.setup.install.anonymousId;
    const userId = memory.userId === undefined ? undefined : this.junk?.slot === 'userId' ? this.junk.value : memory.userId;
    const traits: JsonObject = userId === undefined ? { anonymousId } : { anonymousId, userId, ...memory.traits };
    const trueTime = this.clock;
    const sendTrue = this.flushAt !== undefined ? this.flushAt + this.sent * 15 : trueTime + Math.round(this.rng.between(200, this.platform === 'web' ? 600 : 8 * SECOND));
    const receivedMs = sendTrue + this.rng.int(30, 800);
    const sentMs = sendTrue + this.skewMs;
    const original = trueTime + this.skewMs;
    const body: RudderEvent = {
      type,
      ...fields,
      ...(userId === undefined ? {} : { userId }),
      anonymousId,
      messageId: this.rng.uuid(),
      channel: this.platform === 'web' ? 'web' : 'mobile',
      context: { ...this.base, traits, ...context },
      originalTimestamp: isoTime(original),
      sentAt: isoTime(sentMs),
      receivedAt: isoTime(receivedMs),
      ...(this.dropTimestamp ? {} : { timestamp: isoTime(receivedMs - (sentMs - original)) }),
    };
    const flags = (this.flushAt !== undefined ? EVENT_LATE : 0) | (this.skewMs !== 0 ? EVENT_SKEWED : 0) | (this.dropTimestamp ? EVENT_NO_TIMESTAMP : 0);
    this.sink.push({ body, sentMs, receivedMs, flags, duplicate: false });
    this.sent++;
  }
}
