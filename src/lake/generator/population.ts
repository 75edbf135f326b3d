import { CATEGORIES, CHRONIC_KITS, EMAIL_DOMAINS, FIRST_NAMES, LAST_NAMES } from './catalog';
import { DAY } from './clock';
import { DIRT_RATES } from './dirt';
import type { GenerationWindow } from './generation-window';
import { emailFor, mobileNumber, userIdOf } from './identifiers';
import type { Rng, SeedSpace } from './prng';

export type Platform = 'android' | 'ios' | 'web';

/** One app install (or browser cookie): RudderStack mints a new anonymousId for each. */
export interface Install {
  readonly anonymousId: string;
  /** When it was installed; the previous install on the device ends here. */
  readonly from: number;
  /** Whether the app already held a logged-in user when the window opened. */
  readonly loggedInAtStart: boolean;
}

export interface Device {
  readonly id: string;
  readonly platform: Platform;
  readonly osName: string;
  readonly osVersion: string;
  readonly manufacturer: string;
  readonly model: string;
  readonly userAgent?: string;
  /** A family tablet: several accounts log in on it. */
  readonly shared: boolean;
  readonly installs: readonly Install[];
}

export interface ChronicPlan {
  readonly productIds: readonly string[];
  readonly cadenceDays: number;
  /** First refill at or after the start of history. */
  readonly firstRefill: number;
  /** Refills placed by the auto-ship scheduler rather than in the app. */
  readonly autoship: boolean;
}

export interface Person {
  readonly index: number;
  /** Absent for visitors who never log in. */
  readonly userId?: string;
  /** Registered before the window opened (as opposed to logging in for the first time inside it). */
  readonly knownBefore: boolean;
  readonly firstName: string;
  readonly lastName: string;
  readonly phone: string;
  readonly email: string;
  readonly devices: readonly Device[];
  readonly sessionsPerDay: number;
  readonly interests: readonly number[];
  readonly chronic?: ChronicPlan;
  /** Orders per day placed outside the app (history before the window, call centre). */
  readonly offlineOrdersPerDay: number;
  /** Employer wellness plan; the app sends a `group` call for it at login. */
  readonly corporateGroupId?: string;
}

const ANDROID_MODELS = [
  ['Samsung', 'SM-A525F'], ['Samsung', 'SM-M326B'], ['Xiaomi', 'Redmi Note 12'], ['Xiaomi', '23021RAA2Y'],
  ['OnePlus', 'CPH2381'], ['vivo', 'V2207'], ['realme', 'RMX3630'], ['OPPO', 'CPH2239'],
] as const;
const IOS_MODELS = ['iPhone12,1', 'iPhone13,2', 'iPhone14,5', 'iPhone15,2', 'iPhone14,7'] as const;
const WEB_SYSTEMS = [
  { osName: 'Windows', osVersion: '10', weight: 45, ua: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36' },
  { osName: 'Mac OS', osVersion: '10.15.7', weight: 15, ua: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15' },
  { osName: 'Android', osVersion: '13', weight: 30, ua: 'Mozilla/5.0 (Linux; Android 13; SM-A525F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Mobile Safari/537.36' },
  { osName: 'iOS', osVersion: '17.5', weight: 7, ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1' },
  { osName: 'Linux', osVersion: 'x86_64', weight: 3, ua: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.0.0 Safari/537.36' },
] as const;

const CATEGORY_BASE_WEIGHTS = [30, 14, 20, 20, 10, 8];

function makeInstalls(rng: Rng, window: GenerationWindow, loggedIn: boolean): Install[] {
  const installs: Install[] = [{ anonymousId: rng.uuid(), from: window.historyStart, loggedInAtStart: loggedIn }];
  if (rng.chance(0.06)) {
    installs.push({ anonymousId: rng.uuid(), from: window.start + Math.floor(rng.float() * window.days * DAY), loggedInAtStart: false });
  }
  return installs;
}

function makeDevice(rng: Rng, window: GenerationWindow, loggedIn: boolean): Device {
  const platform = (['android', 'ios', 'web'] as const)[rng.weightedIndex([58, 17, 25])];
  const id = rng.uuid();
  if (platform === 'android') {
    const [manufacturer, model] = rng.pick(ANDROID_MODELS);
    return { id, platform, osName: 'Android', osVersion: String(rng.int(11, 14)), manufacturer, model, shared: false, installs: makeInstalls(rng, window, loggedIn) };
  }
  if (platform === 'ios') {
    return { id, platform, osName: 'iOS', osVersion: rng.pick(['16.7.8', '17.4.1', '17.5.1', '18.1']), manufacturer: 'Apple', model: rng.pick(IOS_MODELS), shared: false, installs: makeInstalls(rng, window, loggedIn) };
  }
  const system = rng.pickWeighted(WEB_SYSTEMS);
  return { id, platform, osName: system.osName, osVersion: system.osVersion, manufacturer: '', model: '', userAgent: system.ua, shared: false, installs: makeInstalls(rng, window, loggedIn) };
}

/** Blocks of three consecutive users; a few blocks are families sharing one tablet. */
export function familyTablet(seeds: SeedSpace, window: GenerationWindow, index: number): Device | undefined {
  const block = Math.floor(index / 3);
  if (seeds.uniform('family', block) >= DIRT_RATES.familyBlock) return undefined;
  const size = 2 + (seeds.word('family-size', block) & 1);
  if (index % 3 >= size) return undefined;
  const rng = seeds.rng('family-tablet', block);
  const ipad = rng.chance(0.3);
  return {
    id: rng.uuid(),
    platform: ipad ? 'ios' : 'android',
    osName: ipad ? 'iPadOS' : 'Android',
    osVersion: ipad ? '17.5.1' : '13',
    manufacturer: ipad ? 'Apple' : 'Samsung',
    model: ipad ? 'iPad13,18' : 'SM-X200',
    shared: true,
    installs: [{ anonymousId: rng.uuid(), from: window.historyStart, loggedInAtStart: false }],
  };
}

export function buildPerson(seeds: SeedSpace, window: GenerationWindow, index: number): Person {
  const rng = seeds.rng('person', index);
  const tablet = familyTablet(seeds, window, index);
  const registered = tablet !== undefined || rng.chance(0.55);
  const knownBefore = registered && (tablet !== undefined || rng.chance(0.78));
  const firstName = rng.pick(FIRST_NAMES);
  const lastName = rng.pick(LAST_NAMES);
  const deviceCount = 1 + rng.weightedIndex([70, 22, 8]);
  const devices: Device[] = [];
  for (let i = 0; i < deviceCount; i++) devices.push(makeDevice(rng, window, knownBefore && rng.chance(i === 0 ? 0.85 : 0.5)));
  if (tablet) devices.push(tablet);
  const interests = CATEGORIES.map((_, i) => CATEGORY_BASE_WEIGHTS[i] * Math.exp(0.8 * rng.normal()));
  const chronic: ChronicPlan | undefined =
    registered && rng.chance(0.15)
      ? {
          productIds: rng.pick(CHRONIC_KITS),
          cadenceDays: rng.int(28, 32),
          firstRefill: window.historyStart + Math.floor(rng.float() * 30 * DAY),
          autoship: rng.chance(0.35),
        }
      : undefined;
  return {
    index,
    userId: registered ? userIdOf(index) : undefined,
    knownBefore,
    firstName,
    lastName,
    phone: mobileNumber(seeds, index),
    email: emailFor(rng, firstName, lastName, index, rng.pickWeighted(EMAIL_DOMAINS).value),
    devices,
    sessionsPerDay: Math.min(1, registered ? rng.logNormal(1 / 35, 1) : rng.logNormal(1 / 45, 0.5)),
    interests,
    chronic,
    offlineOrdersPerDay: registered ? rng.logNormal(0.004, 0.8) : 0,
    corporateGroupId: registered && rng.chance(0.1) ? `corp_${rng.int(100, 160)}` : undefined,
  };
}
