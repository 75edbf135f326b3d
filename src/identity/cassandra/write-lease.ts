import { randomUUID } from 'node:crypto';
import { types, type Client } from 'cassandra-driver';

/** How long a writer may hold the lease; it lapses on its own if the holder dies. */
export const LEASE_SECONDS = 30;
/** How long a writer waits for the lease before giving up. */
const WAIT_MS = 15_000;
/**
 * A holder that kept the lease at least LONG_HOLD_MS (a batch stitch's page of changes) leaves it
 * free HANDOVER_MS before this process takes it again. Writers of other processes retry at most
 * 200 ms apart (see take), so one of them gets its turn; without the gap, a batch taking the
 * lease again at once kept a stream writer waiting past WAIT_MS. A stream's changes, shorter,
 * follow each other without a gap.
 */
const LONG_HOLD_MS = 500;
const HANDOVER_MS = 300;

export class IdentityLeaseTimeoutError extends Error {
  constructor(waitedMs: number) {
    super(`identity store: another writer held the identity write lease for ${waitedMs} ms; is a writer stuck? (the lease lapses ${LEASE_SECONDS} s after it was taken)`);
    this.name = 'IdentityLeaseTimeoutError';
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * One writer at a time, across processes, for the changes planned on what a writer read (the
 * stream's and un-merge's): checking a plan's expectations and writing it must not interleave with
 * another's, and Cassandra has no transaction over the many partitions a change touches. The lease
 * is one row taken with a lightweight transaction (IF NOT EXISTS, with a TTL so a dead holder's
 * lease lapses) and given back by its owner (IF owner = ?). Within a process, writers queue for it
 * first, so only one of them at a time asks Cassandra.
 */
export class WriteLease {
  private queue: Promise<unknown> = Promise.resolve();
  /** Until when (epoch ms) this process leaves the lease to others after a long hold. */
  private freeUntil = 0;
  private readonly statements: { take: string; give: string };

  constructor(
    private readonly client: Client,
    keyspace: string,
  ) {
    this.statements = {
      take: `INSERT INTO ${keyspace}.identity_write_lease (name, owner) VALUES ('planned_changes', ?) IF NOT EXISTS USING TTL ${LEASE_SECONDS}`,
      give: `DELETE FROM ${keyspace}.identity_write_lease WHERE name = 'planned_changes' IF owner = ?`,
    };
  }

  /** Runs `work` holding the lease. */
  hold<T>(work: () => Promise<T>): Promise<T> {
    const turn = this.queue.then(() => this.holdAcrossProcesses(work));
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private async holdAcrossProcesses<T>(work: () => Promise<T>): Promise<T> {
    const handover = this.freeUntil - Date.now();
    if (handover > 0) await sleep(handover);
    const owner = randomUUID();
    await this.take(owner);
    const taken = Date.now();
    try {
      return await work();
    } finally {
      // A lease not given back (a lost connection) lapses after LEASE_SECONDS.
      await this.lwt(this.statements.give, [owner]).catch(() => undefined);
      if (Date.now() - taken >= LONG_HOLD_MS) this.freeUntil = Date.now() + HANDOVER_MS;
    }
  }

  private async take(owner: string): Promise<void> {
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      if (await this.lwt(this.statements.take, [owner])) return;
      const waited = Date.now() - started;
      if (waited >= WAIT_MS) throw new IdentityLeaseTimeoutError(waited);
      // Backing off with jitter: writers retrying in step would keep colliding in Paxos.
      await sleep(Math.random() * Math.min(200, 5 * 2 ** attempt));
    }
  }

  private async lwt(query: string, params: unknown[]): Promise<boolean> {
    const result = await this.client.execute(query, params, { prepare: true, consistency: types.consistencies.localQuorum, serialConsistency: types.consistencies.localSerial });
    return result.first()?.get('[applied]') === true;
  }
}
