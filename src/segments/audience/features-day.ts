import { featurePartitionDays } from '../../features/offline/feature-partitions';
import type { LakeEngine } from '../../lake/lake-engine.port';
import { isDay, type LakeLayout } from '../../lake/lake-layout';
import { SegmentsException, SegmentsExceptionCode } from '../segments.exception';

/**
 * The day a segment is evaluated as of: the one asked for, which must have materialized features,
 * or the newest such day. Athena's partitions are not listed from here, so there the day is required.
 */
export function featuresDay(engine: Pick<LakeEngine, 'dialect'>, layout: LakeLayout, date?: string | null): string {
  if (date !== undefined && date !== null && !isDay(date)) throw new SegmentsException(SegmentsExceptionCode.BAD_ARGUMENT, `date must be a day as YYYY-MM-DD (got ${JSON.stringify(date)})`, { field: 'date' });
  if (engine.dialect === 'athena') {
    if (!date) throw new SegmentsException(SegmentsExceptionCode.BAD_ARGUMENT, 'on Athena, give the as-of date (YYYY-MM-DD) explicitly', { field: 'date' });
    return date;
  }
  const days = featurePartitionDays(layout);
  const day = date ?? days[days.length - 1];
  if (day === undefined || !days.includes(day)) {
    const known = days.length === 0 ? 'none yet' : `${days[0]} … ${days[days.length - 1]}`;
    throw new SegmentsException(SegmentsExceptionCode.NO_FEATURES, `no materialized features${date ? ` for ${date}` : ''} (materialized days: ${known}); run \`c360 features materialize --date D\` first`);
  }
  return day;
}
