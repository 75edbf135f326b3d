import type { LakeEngine } from '../../lake/lake-engine.port';
import { sqlString } from '../../lake/lake-relation';
import type { Logger } from '../../shared/logger.port';
import type { OnlineStore } from '../../store/online-store.port';
import { customerEntityKey, type FeatureDefinition } from '../feature-definition';
import { ENTITY_COLUMN } from '../sql/feature-table.sql';
import { customerIdOf, servedFeatures } from './online-values';

export interface OnlineLoadOptions {
  /** The materialized Parquet file, sorted by customer_id. */
  file: string;
  features: readonly FeatureDefinition[];
  /** Event time of every value, epoch ms (the end of the as-of day). */
  eventTimeMs: number;
  /** Write version of this run (claimRunVersion): outranks earlier runs of the same day. */
  version: number;
  /** Customers per chunk: bounds memory, and a chunk is one writeBatch. */
  chunkSize: number;
}

/**
 * Bulk-loads a materialized partition into the online store, chunk by chunk. Chunks are read by
 * key range (customer_id > the last one loaded), which the sorted file's row-group statistics
 * answer without rescanning, unlike OFFSET. Every value carries the run's version, so a re-run of
 * the day replaces the earlier run's values, and values with a newer event time are kept.
 */
export async function loadOnline(engine: LakeEngine, store: OnlineStore, options: OnlineLoadOptions, logger: Logger): Promise<number> {
  const columns = [ENTITY_COLUMN, ...options.features.map((feature) => feature.name)].join(', ');
  const [total] = await engine.query(`SELECT count(*) AS n FROM read_parquet(${sqlString(options.file)})`);
  const customers = Number(total?.n ?? 0);
  const readChunk = (after: string | null) =>
    engine.query(
      `SELECT ${columns} FROM read_parquet(${sqlString(options.file)})
       WHERE ${after === null ? 'true' : `${ENTITY_COLUMN} > ?`}
       ORDER BY ${ENTITY_COLUMN} LIMIT ${options.chunkSize}`,
      after === null ? [] : [after],
    );
  let written = 0;
  let next = readChunk(null);
  for (;;) {
    const rows = await next;
    const last = rows[rows.length - 1];
    if (last === undefined) break;
    // The next chunk is read while this one is written: the lake and the store work at once.
    next = rows.length < options.chunkSize ? Promise.resolve([]) : readChunk(customerIdOf(last));
    try {
      await store.writeBatch(
        rows.map((row) => ({
          entityKey: customerEntityKey(customerIdOf(row)),
          eventTime: options.eventTimeMs,
          version: options.version,
          features: servedFeatures(row, options.features),
        })),
      );
    } catch (error) {
      // Settle the read in flight, so its failure (the engine closing, say) is not an unhandled rejection.
      await next.catch(() => undefined);
      throw error;
    }
    written += rows.length;
    logger.info('features.materialize: online load progress', { written, of: customers, percent: customers === 0 ? 100 : Math.round((written / customers) * 100) });
  }
  return written;
}
