import type { FeatureReadResult, FeatureRow, OnlineStore } from '../../../../src/store/online-store.port';

/** A store decorator that counts calls, to prove how many round trips a read path makes. */
export class CountingStore implements OnlineStore {
  readonly reads: Array<{ entities: number; names: number | undefined }> = [];
  writes = 0;

  constructor(private readonly store: OnlineStore) {}

  read(entityKeys: readonly string[], featureNames?: readonly string[]): Promise<FeatureReadResult> {
    this.reads.push({ entities: entityKeys.length, names: featureNames?.length });
    return this.store.read(entityKeys, featureNames);
  }

  writeBatch(rows: readonly FeatureRow[]): Promise<void> {
    this.writes += 1;
    return this.store.writeBatch(rows);
  }

  deleteEntities(entityKeys: readonly string[]): Promise<void> {
    return this.store.deleteEntities(entityKeys);
  }

  close(): Promise<void> {
    return this.store.close();
  }

  reset(): void {
    this.reads.length = 0;
    this.writes = 0;
  }
}
