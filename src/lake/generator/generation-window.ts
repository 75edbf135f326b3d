import { addDays, DAY, dayOf, dayStart } from './clock';

/**
 * Transactional history before the window: DMS's full load is a snapshot of tables that already
 * hold weeks of orders, and refills need a previous order to repeat.
 */
export const HISTORY_DAYS = 60;

/** The generated period: events happen and files land on days fromDay..toDay (UTC). */
export class GenerationWindow {
  readonly fromDay: string;
  readonly start: number;
  /** Exclusive: nothing landing at or after this instant is written (it has not landed yet). */
  readonly end: number;
  readonly historyStart: number;
  private readonly labels: readonly string[];

  constructor(
    readonly toDay: string,
    readonly days: number,
  ) {
    this.fromDay = addDays(toDay, -(days - 1));
    this.start = dayStart(this.fromDay);
    this.end = dayStart(toDay) + DAY;
    this.historyStart = this.start - HISTORY_DAYS * DAY;
    this.labels = Array.from({ length: days }, (_, i) => dayOf(this.start + i * DAY));
  }

  /** The DMS full-load snapshot moment: the replication task started as the window opened. */
  get snapshot(): number {
    return this.start;
  }

  /** Day index within the window, or -1 when outside. */
  dayIndex(ms: number): number {
    if (ms < this.start || ms >= this.end) return -1;
    return Math.floor((ms - this.start) / DAY);
  }

  label(dayIndex: number): string {
    return this.labels[dayIndex];
  }
}
