/**
 * Times to convert, kept as log-scale bucket counts so days can be merged: a median is not
 * additive, but a histogram is. Bucket b holds durations d (seconds) with floor(4·log2(1+d)) = b,
 * so each bucket spans a factor of 2^(1/4) ≈ 1.19 and a merged median stays within its bucket
 * (off by less than 19%, usually far less).
 */
export type TimeHistogram = Record<string, number>;

const PER_OCTAVE = 4;

export function bucketOf(seconds: number): number {
  return Math.floor(PER_OCTAVE * Math.log2(1 + Math.max(0, seconds)));
}

/** The same bucket in SQL, over a duration in milliseconds (log2 exists in DuckDB and Trino). */
export function bucketSql(durationMs: string): string {
  return `CAST(floor(${PER_OCTAVE} * log2(1 + (${durationMs}) / 1000.0)) AS INTEGER)`;
}

function lowerBound(bucket: number): number {
  return 2 ** (bucket / PER_OCTAVE) - 1;
}

export function mergeHistograms(histograms: Iterable<TimeHistogram>): TimeHistogram {
  const merged: TimeHistogram = {};
  for (const histogram of histograms) {
    for (const [bucket, count] of Object.entries(histogram)) merged[bucket] = (merged[bucket] ?? 0) + count;
  }
  return merged;
}

/**
 * The median in seconds estimated from bucket counts: the bucket holding the middle value (the
 * lower middle one for an even count, as the SQL median is defined), interpolated geometrically by
 * rank inside it, so the estimate stays within that bucket. Undefined for an empty histogram.
 */
export function histogramMedian(histogram: TimeHistogram): number | undefined {
  const buckets = Object.entries(histogram)
    .map(([bucket, count]) => [Number(bucket), count] as const)
    .filter(([, count]) => count > 0)
    .sort(([a], [b]) => a - b);
  const total = buckets.reduce((sum, [, count]) => sum + count, 0);
  if (total === 0) return undefined;
  const rank = Math.floor((total - 1) / 2);
  let before = 0;
  for (const [bucket, count] of buckets) {
    if (before + count > rank) {
      const low = lowerBound(bucket) + 1;
      const high = lowerBound(bucket + 1) + 1;
      const fraction = (rank - before + 0.5) / count;
      return low * (high / low) ** fraction - 1;
    }
    before += count;
  }
  return undefined;
}
