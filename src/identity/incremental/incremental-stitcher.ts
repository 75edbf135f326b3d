import type { Identifier } from '../identifier';
import { normalizeIdentifier } from '../identifier-normalization';
import { DomainError } from '../../shared/domain-error';
import { IdentityChangeInterruptedError, IdentityConflictError, IdentityStoreBusyError, type IdentityChanges, type IdentityStore, type MergeRecord } from '../identity-store.port';
import type { CompiledRules, TraitIdentifier } from '../rules/identity-rules';
import { normalizeRecord, type IdentityRecord, type NormalizedRecord } from './identity-record';
import { StitchSession, type RecordOutcome } from './stitch-session';
import { planUnmerge, type UnmergeResult } from './unmerge-plan';

export interface IncrementalStitcherOptions {
  /** What merges made here are recorded as: 'stream' (default) or 'manual'. */
  via?: MergeRecord['via'];
  now?: () => number;
  /** Plans tried before a conflict with other writers is given up on (default 5). */
  attempts?: number;
}

/** A session's records, linked in order, and the change that makes them durable. */
export interface StitchedBatch {
  outcomes: RecordOutcome[];
  changes: IdentityChanges;
}

export function isEmptyChange(changes: IdentityChanges): boolean {
  return changes.assign.length + changes.unassign.length + changes.customers.length + changes.removeCustomers.length + changes.merges.length + changes.separations.length === 0;
}

/**
 * Incremental identity stitching, the domain service behind the stream and the API: links records
 * as they arrive with the batch stitcher's rules (so the daily batch agrees), records each merge
 * with its cause, and un-merges a wrong merge. Every change is planned on what was read and applied
 * with expectations; when another writer got there first, it is planned again from fresh reads.
 */
export class IncrementalStitcher {
  private readonly via: MergeRecord['via'];
  private readonly now: () => number;
  private readonly attempts: number;

  constructor(
    private readonly store: IdentityStore,
    private readonly rules: CompiledRules,
    options: IncrementalStitcherOptions = {},
  ) {
    this.via = options.via ?? 'stream';
    this.now = options.now ?? Date.now;
    this.attempts = options.attempts ?? 5;
  }

  /** The identifier types its rules read from identify traits: what a record of an event must carry (clickstreamIdentityRecord). */
  get traitIdentifiers(): readonly TraitIdentifier[] {
    return this.rules.rules.traitIdentifiers;
  }

  normalize(record: IdentityRecord): NormalizedRecord {
    return normalizeRecord(record, this.rules);
  }

  /** The identifier as stitching compares it, or null when it is junk or malformed. */
  normalizeIdentifier(identifier: Identifier): Identifier | null {
    const value = normalizeIdentifier(identifier.type, identifier.value, this.rules.blocklist);
    return value === null ? null : { type: identifier.type, value };
  }

  /** Links the records in order against the store's current state; nothing is written (see apply). */
  async plan(records: readonly IdentityRecord[]): Promise<StitchedBatch> {
    const normalized = records.map((record) => this.normalize(record));
    const session = await StitchSession.open(this.store, this.rules, normalized, { via: this.via, now: this.now });
    const outcomes: RecordOutcome[] = [];
    for (const record of normalized) outcomes.push(await session.add(record));
    return { outcomes, changes: session.changes() };
  }

  /** Applies a planned change; throws IdentityConflictError when the state it was planned on changed. */
  async apply(changes: IdentityChanges): Promise<void> {
    if (!isEmptyChange(changes)) await this.store.apply(changes);
  }

  /** Links the records and stores the result, planning again if another writer interfered. */
  async stitch(records: readonly IdentityRecord[]): Promise<RecordOutcome[]> {
    return this.retrying(async () => {
      const { outcomes, changes } = await this.plan(records);
      await this.apply(changes);
      return outcomes;
    });
  }

  /** Reverses a merge: the merged side's identifiers go back to their own customer, kept apart from now on. */
  async unmerge(mergeId: string): Promise<UnmergeResult> {
    try {
      return await this.retrying(async () => {
        const { changes, result } = await planUnmerge(this.store, this.rules, mergeId, this.now(), this.via);
        await this.store.apply(changes);
        return result;
      });
    } catch (error) {
      // A person asked for it: tell them to try again, not that something broke (the API's code follows the DomainError).
      if (error instanceof IdentityConflictError) throw new DomainError('CONFLICT', `the customers of merge ${mergeId} kept changing while it was undone (${this.attempts} attempts); nothing was changed, try again`);
      if (error instanceof IdentityStoreBusyError) throw new DomainError('UNAVAILABLE', 'the identity store is busy with another writer; nothing was changed, try again shortly');
      if (error instanceof IdentityChangeInterruptedError) {
        throw new DomainError('UNAVAILABLE', `the un-merge of ${mergeId} was interrupted midway; the identity store's next writer completes it, so look at the merge before trying again`);
      }
      throw error;
    }
  }

  private async retrying<T>(work: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await work();
      } catch (error) {
        if (!(error instanceof IdentityConflictError) || attempt >= this.attempts) throw error;
      }
    }
  }
}
