import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { types, type Client } from 'cassandra-driver';
import { IdentityStoreBusyError } from '../identity-store.port';

/** How long the lease lives without renewal; it lapses on its own if the holder dies. */
export const LEASE_SECONDS = 30;
/** How long a writer waits for the lease before giving up. */
const WAIT_MS = 15_000;
/**
 * A holder renews the lease this often, so a long hold (a batch page of many rows) does not lapse
 * under it: a sixth of its life, so that a renewal or two that time out leave it surely held for
 * longer than HeldLease.assertHeld's margin (a third).
 */
const RENEW_MS = 5_000;
/** Cassandra counts a TTL from its clock in whole seconds: a lease may lapse up to this much before its TTL has run from when it was written. */
const TTL_GRANULARITY_MS = 1_000;
/** The longest pause between a waiting writer's attempts (see take). */
const MAX_RETRY_MS = 100;
/**
 * A bulk holder (a batch page, see IdentityChanges.bulk) that finds a writer of another process
 * waiting leaves the lease free HANDOVER_MS before this process takes it again. Writers of other
 * processes retry at most MAX_RETRY_MS apart, so one of them gets its turn: without the gap, a batch
 * taking the lease again at once kept a stream writer waiting past WAIT_MS. With nobody waiting
 * there is no gap (it cost a first load into Cassandra up to 17 s over 116 pages). Other holders
 * (the stream, un-merges) follow each other without a gap.
 */
const HANDOVER_MS = 150;
/**
 * A writer that finds the lease taken marks the wait in one row all processes share, on a timer of
 * its own every WAITING_MARK_MS while it waits (not between attempts: a slow lightweight transaction
 * would space them out), and deletes it when it stops waiting. A TTL in whole seconds can lapse up
 * to a second early, so WAITING_MARK_SECONDS keeps a mark through a few late rewrites; the TTL only
 * matters for a waiter that died.
 */
const WAITING_MARK_MS = 500;
const WAITING_MARK_SECONDS = 3;

/** What a holder's work can ask of the lease it holds. */
export interface HeldLease {
  /**
   * Throws IdentityLeaseLostError unless the lease is surely still this holder's for a while: a
   * renewal was refused (another writer owns it), or renewals failed until the lease may lapse
   * soon. Work checks before each write, so a holder whose lease lapsed (an overloaded node timing
   * its renewals out) stops instead of writing beside the next holder.
   */
  assertHeld(): void;
}

export class IdentityLeaseLostError extends IdentityStoreBusyError {
  constructor() {
    super('identity store: lost the identity write lease (its renewals failed) before the change was written; nothing of it was written, and it may be tried again');
    this.name = 'IdentityLeaseLostError';
  }
}

export class IdentityLeaseTimeoutError extends IdentityStoreBusyError {
  constructor(waitedMs: number) {
    super(`identity store: another writer held the identity write lease for ${waitedMs} ms; is a writer stuck? (an unrenewed lease lapses ${LEASE_SECONDS} s after it was taken)`);
    this.name = 'IdentityLeaseTimeoutError';
  }
}

/**
 * One writer at a time, across processes, for the changes planned on what a writer read (the
 * stream's, un-merge's, the batch sync's): checking a plan's expectations and writing it must not
 * interleave with another's, and Cassandra has no transaction over the many partitions a change
 * touches. The lease is one row taken with a lightweight transaction (IF NOT EXISTS, with a TTL so a
 * dead holder's lease lapses), renewed while held and given back by its owner (IF owner = ?).
 * Within a process, writers queue for it first, so only one of them at a time asks Cassandra.
 */
export class WriteLease {
  private queue: Promise<unknown> = Promise.resolve();
  /** Until when (epoch ms) this process leaves the lease to others after a bulk hold another process waited for. */
  private freeUntil = 0;
  private readonly statements: { take: string; renew: string; give: string; markWaiting: string; readWaiting: string; clearWaiting: string };
  private readonly renewMs: number;
  private readonly leaseMs: number;
  /** Who this process's waiting marks are from: its own are not a reason for a gap. */
  private readonly instance = randomUUID();

  /** `timing` shortens the lease's life and renewal for tests. */
  constructor(
    private readonly client: Client,
    keyspace: string,
    timing: { leaseSeconds: number; renewMs: number } = { leaseSeconds: LEASE_SECONDS, renewMs: RENEW_MS },
  ) {
    const lease = `${keyspace}.identity_write_lease`;
    this.renewMs = timing.renewMs;
    this.leaseMs = timing.leaseSeconds * 1000;
    this.statements = {
      take: `INSERT INTO ${lease} (name, owner) VALUES ('planned_changes', ?) IF NOT EXISTS USING TTL ${timing.leaseSeconds}`,
      renew: `UPDATE ${lease} USING TTL ${timing.leaseSeconds} SET owner = ? WHERE name = 'planned_changes' IF owner = ?`,
      give: `DELETE FROM ${lease} WHERE name = 'planned_changes' IF owner = ?`,
      // Another partition than the lease's, so plain writes beside its lightweight transactions are safe.
      markWaiting: `INSERT INTO ${lease} (name, owner) VALUES ('waiting', ?) USING TTL ${WAITING_MARK_SECONDS}`,
      readWaiting: `SELECT owner FROM ${lease} WHERE name = 'waiting'`,
      clearWaiting: `DELETE FROM ${lease} WHERE name = 'waiting'`,
    };
  }

  /** Runs `work` holding the lease; `bulk` work leaves others a turn after a long hold. */
  hold<T>(work: (lease: HeldLease) => Promise<T>, options: { bulk?: boolean } = {}): Promise<T> {
    const turn = this.queue.then(() => this.holdAcrossProcesses(work, options.bulk === true));
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private async holdAcrossProcesses<T>(work: (lease: HeldLease) => Promise<T>, bulk: boolean): Promise<T> {
    const handover = this.freeUntil - Date.now();
    if (handover > 0) await sleep(handover);
    const owner = randomUUID();
    // Until when the lease is surely ours: its TTL counted from before the request that took or renewed it.
    const life = this.leaseMs - TTL_GRANULARITY_MS;
    let ours = (await this.take(owner)) + life;
    let lost = false;
    // A lost renewal (the node was unreachable) leaves the lease to lapse at its TTL; assertHeld stops the work a third of a lease before.
    const renewal = setInterval(() => {
      const sent = Date.now();
      void this.lwt(this.statements.renew, [owner, owner]).then(
        (applied) => {
          if (applied) ours = Math.max(ours, sent + life);
          else lost = true;
        },
        () => undefined,
      );
    }, this.renewMs);
    const margin = life / 3;
    const lease: HeldLease = {
      assertHeld: () => {
        if (lost || Date.now() > ours - margin) throw new IdentityLeaseLostError();
      },
    };
    try {
      return await work(lease);
    } finally {
      clearInterval(renewal);
      // A lease not given back (a lost connection) lapses after LEASE_SECONDS.
      await this.lwt(this.statements.give, [owner]).catch(() => undefined);
      if (bulk && (await this.anotherProcessWaits())) this.freeUntil = Date.now() + HANDOVER_MS;
    }
  }

  private async anotherProcessWaits(): Promise<boolean> {
    try {
      const mark = (await this.execute(this.statements.readWaiting, [])).first();
      return mark !== null && mark.get('owner') !== this.instance;
    } catch {
      // Unknown: leave the gap, as when the mark did not exist yet.
      return true;
    }
  }

  /** Takes the lease for `owner`; resolves to when the attempt that took it was sent (epoch ms). */
  private async take(owner: string): Promise<number> {
    const started = Date.now();
    let marking: NodeJS.Timeout | undefined;
    const mark = () => void this.execute(this.statements.markWaiting, [this.instance]).catch(() => undefined);
    try {
      let firstSent: number | undefined;
      for (let attempt = 0; ; attempt++) {
        const sent = Date.now();
        try {
          const result = await this.execute(this.statements.take, [owner]);
          if (result.first()?.get('[applied]') === true) return sent;
          // Not applied, but ours: an earlier attempt that timed out was applied after all, its TTL running since then at the latest.
          if (result.first()?.get('owner') === owner) return firstSent ?? sent;
          firstSent ??= sent;
        } catch {
          // A lightweight transaction that timed out may or may not have been applied: the next attempt tells.
          firstSent ??= sent;
        }
        if (marking === undefined) {
          mark();
          marking = setInterval(mark, WAITING_MARK_MS);
        }
        const waited = Date.now() - started;
        if (waited >= WAIT_MS) {
          // Ours after all, from an attempt whose answer was lost: give it back rather than hold it until it lapses.
          await this.lwt(this.statements.give, [owner]).catch(() => undefined);
          throw new IdentityLeaseTimeoutError(waited);
        }
        // Backing off with jitter: writers retrying in step would keep colliding in Paxos.
        await sleep(Math.random() * Math.min(MAX_RETRY_MS, 5 * 2 ** attempt));
      }
    } finally {
      if (marking !== undefined) {
        clearInterval(marking);
        // Another waiter's mark goes too; its timer writes it again within WAITING_MARK_MS.
        void this.execute(this.statements.clearWaiting, []).catch(() => undefined);
      }
    }
  }

  private execute(query: string, params: unknown[]): Promise<types.ResultSet> {
    return this.client.execute(query, params, { prepare: true, consistency: types.consistencies.localQuorum, serialConsistency: types.consistencies.localSerial });
  }

  private async lwt(query: string, params: unknown[]): Promise<boolean> {
    return (await this.execute(query, params)).first()?.get('[applied]') === true;
  }
}
