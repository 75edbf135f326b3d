import { DomainError } from '../../shared/domain-error';
import { NO_TIME_MS, SOURCE_NAMES } from './record-identifiers.sql';

/** What the records hold that sizes the keys: their time range and the most records sharing a time and source. */
export interface RecordBounds {
  /** Earliest and latest time other than NO_TIME_MS; null without such records. */
  minTime: number | null;
  maxTime: number | null;
  untimed: boolean;
  /** The highest rank of a record id among records sharing a time and source (0 when none share). */
  maxRank: number;
}

const bitsFor = (value: number): number => (value <= 0 ? 0 : value.toString(2).length);
const power = (bits: number): string => (2n ** BigInt(bits)).toString();

/**
 * Where a sighting of a link comes in link order — time, source, record id, position in the record —
 * as one integer, so finding a link's first sighting is an integer min and ordering links is an
 * integer sort (comparing structs holding record id strings was half the stitch's time):
 *
 *   record key = (time − earliest time) · 2^(S+R) + source · 2^R + rank
 *   sighting key = record key · 2^P + position
 *
 * where rank orders the record ids of records sharing a time and source (all but a few records
 * share them with no other, and have rank 0), and records without a time come after every other.
 * BIGINT when it fits in 62 bits (years of milliseconds with a few thousand records per
 * millisecond), HUGEINT otherwise.
 */
export class LinkKeys {
  readonly sqlType: 'BIGINT' | 'HUGEINT';
  /** Bits of the place below the time: source, rank and position. */
  readonly placeBits: number;
  private readonly sourceBits: number;
  private readonly rankBits: number;
  readonly positionBits: number;
  private readonly base: number;
  /** The relative time of records without one, when it is mapped after the latest (else null: times are used as they are). */
  private readonly untimedAt: number | null;

  constructor(bounds: RecordBounds, maxPosition: number) {
    this.sourceBits = bitsFor(SOURCE_NAMES.length - 1);
    this.rankBits = bitsFor(bounds.maxRank);
    this.positionBits = bitsFor(maxPosition);
    this.placeBits = this.sourceBits + this.rankBits + this.positionBits;
    if (this.placeBits > 52) throw new DomainError('BAD_USER_INPUT', `identity stitching: ${bounds.maxRank + 1} records share one time and source`);
    const mapped = bounds.untimed && (bounds.maxTime === null || bounds.maxTime < NO_TIME_MS);
    const times = [bounds.minTime, bounds.maxTime, ...(bounds.untimed && !mapped ? [NO_TIME_MS] : [])].filter((time): time is number => time !== null);
    this.base = times.length > 0 ? Math.min(...times) : 0;
    const latest = times.length > 0 ? Math.max(...times) - this.base : 0;
    this.untimedAt = mapped ? latest + 1 : null;
    const span = mapped ? latest + 1 : latest;
    // The stitcher reads relative times as doubles: exact below 2^53 (285,000 years of milliseconds).
    if (!Number.isSafeInteger(span)) throw new DomainError('BAD_USER_INPUT', 'identity stitching: record times span more than 2^53 milliseconds');
    this.sqlType = bitsFor(span) + this.placeBits <= 62 ? 'BIGINT' : 'HUGEINT';
  }

  /** SQL: the record key of a record (t BIGINT, source, rank). */
  recordKeySql(t: string, source: string, rank: string): string {
    const relative = this.untimedAt === null ? `(${t} - ${this.base})` : `(CASE WHEN ${t} = ${NO_TIME_MS} THEN ${this.untimedAt} ELSE ${t} - ${this.base} END)`;
    return `(CAST(${relative} AS ${this.sqlType}) * ${power(this.sourceBits + this.rankBits)} + CAST(${source} AS ${this.sqlType}) * ${power(this.rankBits)} + ${rank})`;
  }

  /** SQL: the sighting key of the record key `recordKey` at `position`. */
  sightingKeySql(recordKey: string, position: string): string {
    return `(${recordKey} * ${power(this.positionBits)} + ${position})`;
  }

  /** SQL: the time (epoch ms, NO_TIME_MS for none) of the record of a sighting key. */
  recordTimeSql(sightingKey: string): string {
    const relative = `(${sightingKey} // ${power(this.placeBits)})`;
    const time = `CAST(${relative} + ${this.base} AS BIGINT)`;
    return this.untimedAt === null ? time : `(CASE WHEN ${relative} = ${this.untimedAt} THEN ${NO_TIME_MS} ELSE ${time} END)`;
  }

  /** SQL: the source code of the record of a sighting key. */
  recordSourceSql(sightingKey: string): string {
    return `CAST((${sightingKey} // ${power(this.rankBits + this.positionBits)}) % ${power(this.sourceBits)} AS TINYINT)`;
  }

  /** SQL: the two halves the stitcher sorts by, each below 2^53: relative time, and place. */
  timeSql(sightingKey: string): string {
    return `CAST(${sightingKey} // ${power(this.placeBits)} AS BIGINT)`;
  }

  placeSql(sightingKey: string): string {
    return `CAST(${sightingKey} % ${power(this.placeBits)} AS BIGINT)`;
  }
}
