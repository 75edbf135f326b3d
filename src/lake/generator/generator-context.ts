import type { CdcSource } from '../lake-layout';
import { PROMOTIONS, type Promotion } from './catalog';
import type { CdcRecord } from './cdc-model';
import type { GenerationWindow } from './generation-window';
import { MAX_RECORDS_PER_USER, recordId, type RecordPrefix } from './identifiers';
import type { Person } from './population';
import type { Rng, SeedSpace } from './prng';
import type { TimedApiLog } from './api-log-shapes';
import type { TimedEvent } from './rudder-event';
import type { InstallMemory } from './session-emitter';

/** What every user's simulation shares: the seed, the window, and the campaign calendar. */
export class GeneratorContext {
  private readonly bannersByDay: readonly (readonly Promotion[])[];

  constructor(
    readonly seeds: SeedSpace,
    readonly window: GenerationWindow,
  ) {
    const days = window.days;
    this.bannersByDay = Array.from({ length: days }, (_, day) =>
      PROMOTIONS.filter((p) => {
        if (p.refillOnly === true) return false;
        // A campaign runs on at least one day, however short the window.
        const first = Math.min(days - 1, Math.floor(p.activeFrom * days));
        const last = Math.max(first, Math.ceil(p.activeTo * days) - 1);
        return day >= first && day <= last;
      }),
    );
  }

  /** Banners in rotation on a window day (the day the session starts, UTC). */
  banners(dayIndex: number): readonly Promotion[] {
    return this.bannersByDay[Math.max(0, Math.min(this.bannersByDay.length - 1, dayIndex))];
  }
}

const PREFIX: Record<CdcSource, RecordPrefix> = { orders: 'OD', lab_bookings: 'LB', consultations: 'CN' };

/** One user's simulation: their random stream and everything they produced, in memory only briefly. */
export class UserRun {
  readonly events: TimedEvent[] = [];
  readonly apiLogs: TimedApiLog[] = [];
  readonly records: CdcRecord[] = [];
  /** SDK state per install (keyed by anonymousId), carried from session to session. */
  readonly installs = new Map<string, InstallMemory>();
  private readonly used: Record<CdcSource, number> = { orders: 0, lab_bookings: 0, consultations: 0 };
  /** Whether this user already answered the consent banner (they answer it once, in their first logged-in visit). */
  consentAnswered = false;

  constructor(
    readonly ctx: GeneratorContext,
    readonly person: Person,
    readonly rng: Rng,
  ) {}

  /** A new primary key, or undefined once the user has used up their id space (never in practice). */
  nextKey(table: CdcSource): string | undefined {
    const seq = this.used[table];
    if (seq >= MAX_RECORDS_PER_USER) return undefined;
    this.used[table] = seq + 1;
    return recordId(this.ctx.seeds, PREFIX[table], this.person.index, seq);
  }
}
