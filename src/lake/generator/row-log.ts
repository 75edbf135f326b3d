import { dmsTime, SECOND } from './clock';
import { DIRT_RATES } from './dirt';
import type { CdcChange, Landing } from './cdc-model';
import type { Rng } from './prng';

/** The mutable columns of a replicated row; the rest are fixed at insert. */
export interface RowState {
  status: string;
  amountPaise: number;
  slotAt: number;
  createdAt: number;
  updatedAt: number;
}

export type RowRenderer = (state: RowState) => string[];

/**
 * Records a row's changes as DMS would capture them. `updated_at` has MySQL's one-second
 * precision, so two updates in the same second share it and only commit order tells them apart.
 */
export class RowLog {
  readonly changes: CdcChange[] = [];
  private readonly state: RowState;
  private deleted = false;

  constructor(
    private readonly rng: Rng,
    private readonly render: RowRenderer,
    initial: Omit<RowState, 'updatedAt'>,
  ) {
    this.state = { ...initial, updatedAt: initial.createdAt };
    this.changes.push({ op: 'I', commitAt: initial.createdAt, row: render(this.state), landing: 'normal' });
  }

  get lastCommit(): number {
    return this.changes[this.changes.length - 1].commitAt;
  }

  get status(): string {
    return this.state.status;
  }

  get slotAt(): number {
    return this.state.slotAt;
  }

  get isDeleted(): boolean {
    return this.deleted;
  }

  update(at: number, patch: Partial<Omit<RowState, 'createdAt' | 'updatedAt'>>, landing?: Landing): void {
    if (this.deleted) return;
    const commitAt = Math.max(at, this.lastCommit + 1);
    Object.assign(this.state, patch, { updatedAt: commitAt });
    const chosen = landing ?? (this.rng.chance(DIRT_RATES.lateChange) ? 'late' : 'normal');
    this.changes.push({ op: 'U', commitAt, row: this.render(this.state), landing: chosen });
  }

  /** A second update within the same second as the last one: same updated_at, later commit. */
  updateSameSecond(patch: Partial<Omit<RowState, 'createdAt' | 'updatedAt'>>): void {
    if (this.deleted) return;
    const last = this.lastCommit;
    const commitAt = Math.min(last + this.rng.int(1, 300), Math.floor(last / SECOND) * SECOND + 999);
    Object.assign(this.state, patch, { updatedAt: this.state.updatedAt });
    this.changes.push({ op: 'U', commitAt: Math.max(commitAt, last), row: this.render(this.state), landing: 'nextFile' });
  }

  delete(at: number): void {
    if (this.deleted) return;
    this.deleted = true;
    this.changes.push({ op: 'D', commitAt: Math.max(at, this.lastCommit + 1), row: this.render(this.state), landing: 'normal' });
  }
}

export function dmsOrEmpty(ms: number): string {
  return ms > 0 ? dmsTime(ms) : '';
}
