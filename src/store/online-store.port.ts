/** A feature value as the online store keeps it; lists are for things like cart contents. */
export type FeatureScalar = number | string | boolean | null | readonly string[];

/**
 * Write versions per event-time millisecond: Cassandra stamps cells in microseconds, so a version
 * is the sub-millisecond part of the write timestamp (event time × 1000 + version).
 */
export const MAX_WRITE_VERSION = 999;

/** One entity's new feature values, all observed at `eventTime` (epoch milliseconds). */
export interface FeatureRow {
  entityKey: string;
  eventTime: number;
  /**
   * Breaks ties between writes of the same event time: the higher version wins (0 …
   * MAX_WRITE_VERSION; default 0). A corrected re-run of a batch writes a higher version than the
   * run it corrects, so it replaces that run's values, while any value with a newer event time
   * still wins whatever its version.
   */
  version?: number;
  features: Readonly<Record<string, FeatureScalar>>;
}

/** A stored value with the event time that produced it. */
export interface StoredFeature {
  value: FeatureScalar;
  eventTime: number;
}

/** entityKey → feature name → stored value; absent features are simply missing. */
export type FeatureReadResult = Map<string, Map<string, StoredFeature>>;

/**
 * Features served online, one partition per entity (Feast's `online_write_batch` / `online_read`).
 * Writes are last-write-wins by event time per (entity, feature): a late batch never overwrites a
 * newer streamed value. On equal event times the higher write version wins; on equal versions too,
 * the greater serialized value, as Cassandra does, so every adapter settles ties the same way.
 */
export interface OnlineStore {
  /** Writes rows; each value is kept only if its (event time, version) is newer than the stored one. */
  writeBatch(rows: readonly FeatureRow[]): Promise<void>;
  /** Reads the named features of each entity (all features when `featureNames` is undefined). */
  read(entityKeys: readonly string[], featureNames?: readonly string[]): Promise<FeatureReadResult>;
  /** Removes an entity's partition entirely (erasure). */
  deleteEntities(entityKeys: readonly string[]): Promise<void>;
  /** Finishes in-flight writes and releases connections. */
  close(): Promise<void>;
}

/** The one serialization every adapter stores, so values and tie-breaks agree across engines. */
export function encodeFeatureValue(value: FeatureScalar): string {
  return JSON.stringify(value);
}

export function decodeFeatureValue(text: string): FeatureScalar {
  return JSON.parse(text) as FeatureScalar;
}

/** A value as adapters compare it: event time, then write version, then serialized value. */
export interface VersionedValue {
  eventTime: number;
  version: number;
  encoded: string;
}

/** Whether `candidate` replaces `current` under last-write-wins with Cassandra's tie-breaks. */
export function newerThan(candidate: VersionedValue, current: VersionedValue | undefined): boolean {
  if (!current) return true;
  if (candidate.eventTime !== current.eventTime) return candidate.eventTime > current.eventTime;
  if (candidate.version !== current.version) return candidate.version > current.version;
  return Buffer.compare(Buffer.from(candidate.encoded), Buffer.from(current.encoded)) > 0;
}
