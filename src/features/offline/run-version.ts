import { MAX_WRITE_VERSION, type OnlineStore } from '../../store/online-store.port';
import { FeaturesException, FeaturesExceptionCode } from '../features.exception';
import { FEATURE_TABLE } from './feature-partitions';

/** The online-store entity holding, per materialized day, the version of its latest run (no customer key looks like it). */
export const MATERIALIZATION_RUNS_ENTITY = `materialization:${FEATURE_TABLE}`;

/**
 * Claims the write version of a new materialization run of `day`: one more than the last run's.
 * Every run of D writes at the same event time (the end of D), so without it a re-run on corrected
 * lake data would tie with the first run and keep whichever value serializes greater; with it the
 * re-run replaces the day's batch values, while a value with a newer event time (streamed, or a
 * later day's) still wins.
 *
 * The counter lives in the store it orders, so a wiped store starts again at 1 and a kept store
 * keeps counting whatever happens to the lake. It is recorded before anything is loaded: a run that
 * dies half way still counts, and the next run outranks its partial writes. Runs of one day must
 * not overlap (the job runner runs one at a time); two at once could claim the same version.
 */
export async function claimRunVersion(store: OnlineStore, day: string, eventTimeMs: number): Promise<number> {
  const stored = (await store.read([MATERIALIZATION_RUNS_ENTITY], [day])).get(MATERIALIZATION_RUNS_ENTITY)?.get(day);
  const previous = typeof stored?.value === 'number' ? stored.value : 0;
  if (previous >= MAX_WRITE_VERSION) {
    throw new FeaturesException(
      FeaturesExceptionCode.RERUN_LIMIT,
      `${day} has been materialized ${MAX_WRITE_VERSION} times, the most the online store can order at one event time; materialize a later day instead`,
      { date: day },
    );
  }
  const version = previous + 1;
  await store.writeBatch([{ entityKey: MATERIALIZATION_RUNS_ENTITY, eventTime: eventTimeMs, version, features: { [day]: version } }]);
  return version;
}
