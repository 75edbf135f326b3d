import { apiLogStrings, type TimedApiLog } from './api-log-shapes';
import { HOUR, MINUTE, SECOND } from './clock';
import { DIRT_RATES, type DirtCounter, isJunkIdentifier, truncated } from './dirt';
import type { GenerationWindow } from './generation-window';
import type { JsonlPartitions } from './jsonl-partitions';
import type { Rng } from './prng';
import { EVENT_LATE, EVENT_NO_TIMESTAMP, EVENT_SKEWED, eventIdentifiers, redelivered, type TimedEvent } from './rudder-event';

// Routes one user's lines to the day they land on, drops what lands after the window (it has not
// arrived yet), adds delivery-level dirt, and counts every kind of dirt that was actually written.

export const CLICKSTREAM_DIRT = [
  'clickstream_duplicate_message_id',
  'clickstream_late_event',
  'clickstream_clock_skew',
  'clickstream_missing_timestamp',
  'clickstream_junk_identifier',
  'clickstream_shared_device',
  'clickstream_malformed_line',
] as const;

export const API_LOG_DIRT = ['api_logs_junk_identifier', 'api_logs_malformed_line'] as const;

export class ClickstreamSink {
  private block = -1;
  /** Device id -> user ids seen on it, for the current family block only. */
  private readonly accounts = new Map<string, Set<string>>();

  constructor(
    private readonly out: JsonlPartitions,
    private readonly window: GenerationWindow,
    private readonly dirt: DirtCounter,
  ) {}

  write(rng: Rng, userIndex: number, events: readonly TimedEvent[]): void {
    this.enterBlock(Math.floor(userIndex / 3));
    const delivered = [...events];
    for (const event of events) {
      if (rng.chance(DIRT_RATES.duplicateEvent)) {
        // SDK retries: mostly within minutes, some after hours (app backgrounded), so a few copies land a day later.
        const delay = rng.chance(0.8) ? rng.exponential(2 * MINUTE) : rng.between(HOUR, 10 * HOUR);
        delivered.push(redelivered(event, SECOND + Math.round(Math.min(10 * HOUR, delay))));
      }
    }
    delivered.sort((a, b) => a.receivedMs - b.receivedMs);
    for (const event of delivered) {
      const day = this.window.dayIndex(event.receivedMs);
      if (day < 0) continue;
      const label = this.window.label(day);
      const line = JSON.stringify(event.body);
      if (rng.chance(DIRT_RATES.malformedLine)) {
        this.out.append(label, truncated(rng, line));
        this.dirt.add('clickstream_malformed_line');
      }
      this.out.append(label, line);
      if (event.duplicate) {
        this.dirt.add('clickstream_duplicate_message_id');
        continue;
      }
      if (event.flags & EVENT_LATE) this.dirt.add('clickstream_late_event');
      if (event.flags & EVENT_SKEWED) this.dirt.add('clickstream_clock_skew');
      if (event.flags & EVENT_NO_TIMESTAMP) this.dirt.add('clickstream_missing_timestamp');
      if (eventIdentifiers(event.body).some(isJunkIdentifier)) this.dirt.add('clickstream_junk_identifier');
      this.noteAccount(event);
    }
  }

  private noteAccount(event: TimedEvent): void {
    const deviceId = event.body.context.device.id;
    const userId = event.body.userId;
    if (userId === undefined || isJunkIdentifier(userId) || isJunkIdentifier(deviceId)) return;
    let users = this.accounts.get(deviceId);
    if (!users) {
      users = new Set();
      this.accounts.set(deviceId, users);
    }
    users.add(userId);
  }

  /** Devices are only ever shared inside a block of three users, so a block's count is final when it ends. */
  private enterBlock(block: number): void {
    if (block === this.block) return;
    this.finish();
    this.block = block;
  }

  finish(): void {
    for (const users of this.accounts.values()) if (users.size >= 2) this.dirt.add('clickstream_shared_device');
    this.accounts.clear();
  }
}

export class ApiLogSink {
  constructor(
    private readonly out: JsonlPartitions,
    private readonly window: GenerationWindow,
    private readonly dirt: DirtCounter,
  ) {}

  write(rng: Rng, logs: readonly TimedApiLog[]): void {
    const ordered = [...logs].sort((a, b) => a.landedMs - b.landedMs);
    for (const log of ordered) {
      const day = this.window.dayIndex(log.landedMs);
      if (day < 0) continue;
      const label = this.window.label(day);
      const line = JSON.stringify(log.body);
      if (rng.chance(DIRT_RATES.malformedLine)) {
        this.out.append(label, truncated(rng, line));
        this.dirt.add('api_logs_malformed_line');
      }
      this.out.append(label, line);
      if (apiLogStrings(log.body).some(isJunkIdentifier)) this.dirt.add('api_logs_junk_identifier');
    }
  }
}
