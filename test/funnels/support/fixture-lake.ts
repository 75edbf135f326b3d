import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DuckDbLakeEngine } from '../../../src/lake/duckdb/duckdb-lake-engine';
import { LakeLayout } from '../../../src/lake/lake-layout';
import { sqlString } from '../../../src/lake/lake-relation';
import { identityMapFile } from '../../../src/funnels/sql/identity-map.sql';

/** A processed clickstream row, with only what funnels read. Times are ISO-8601 UTC. */
export interface FixtureEvent {
  event: string;
  at: string;
  user?: string;
  anon?: string;
  os?: string;
  promo?: string;
  properties?: Record<string, string | number>;
}

/** A processed (current-state) order row; deleted orders are simply not written. */
export interface FixtureOrder {
  id: string;
  user?: string;
  at: string;
  amount: number;
  status?: string;
  /** Defaults to pharmacy; null writes a missing vertical. */
  vertical?: string | null;
  currency?: string;
}

export interface FixtureIdentity {
  type: 'user_id' | 'anonymous_id' | 'email';
  value: string;
  customer: string;
}

export interface FixtureData {
  events?: readonly FixtureEvent[];
  orders?: readonly FixtureOrder[];
  identities?: readonly FixtureIdentity[];
}

const CLICKSTREAM_COLUMNS = `{message_id: 'VARCHAR', type: 'VARCHAR', event: 'VARCHAR', anonymous_id: 'VARCHAR', user_id: 'VARCHAR',
  event_time: 'TIMESTAMP', os_name: 'VARCHAR', promotion_id: 'VARCHAR', order_id: 'VARCHAR', revenue: 'DOUBLE', properties: 'VARCHAR'}`;
const ORDER_COLUMNS = `{order_id: 'VARCHAR', user_id: 'VARCHAR', status: 'VARCHAR', vertical: 'VARCHAR', total_amount: 'DECIMAL(12,2)',
  currency: 'VARCHAR', created_at: 'TIMESTAMP', updated_at: 'TIMESTAMP'}`;

function utc(at: string): string {
  return new Date(at).toISOString().replace('T', ' ').replace('Z', '');
}

/**
 * A throwaway lake whose processed zone and identity map are written directly from rows, as the
 * processing and stitching jobs would leave them, so each funnel edge case is one small table.
 */
export class FixtureLake {
  readonly root = mkdtempSync(path.join(os.tmpdir(), 'c360-funnels-'));
  readonly layout = new LakeLayout(this.root);
  private opened: DuckDbLakeEngine | undefined;

  async engine(): Promise<DuckDbLakeEngine> {
    this.opened ??= await DuckDbLakeEngine.open({ lakeRoot: this.root, memoryLimit: '1GB', threads: 2 });
    return this.opened;
  }

  async write(data: FixtureData): Promise<void> {
    if (data.events) await this.writeEvents(data.events);
    if (data.orders) await this.writeOrders(data.orders);
    if (data.identities) await this.writeIdentities(data.identities);
  }

  async writeIdentities(identities: readonly FixtureIdentity[]): Promise<void> {
    const rows = identities.map((identity) => ({ id_type: identity.type, id_value: identity.value, customer_id: identity.customer }));
    await this.copy(rows, `{id_type: 'VARCHAR', id_value: 'VARCHAR', customer_id: 'VARCHAR'}`, 'SELECT *', identityMapFile(this.layout), false);
  }

  async writeEvents(events: readonly FixtureEvent[]): Promise<void> {
    const rows = events.map((event, index) => ({
      message_id: `m${index}`,
      type: 'track',
      event: event.event,
      anonymous_id: event.anon ?? null,
      user_id: event.user ?? null,
      event_time: utc(event.at),
      os_name: event.os ?? null,
      promotion_id: event.promo ?? null,
      order_id: null,
      revenue: null,
      properties: JSON.stringify({ ...(event.promo ? { promotion_id: event.promo } : {}), ...event.properties }),
    }));
    await this.copy(rows, CLICKSTREAM_COLUMNS, "SELECT *, strftime(event_time, '%Y-%m-%d') AS dt", this.layout.processedTable('clickstream'), true);
  }

  async writeOrders(orders: readonly FixtureOrder[]): Promise<void> {
    const rows = orders.map((order) => ({
      order_id: order.id,
      user_id: order.user ?? null,
      status: order.status ?? 'delivered',
      vertical: order.vertical === undefined ? 'pharmacy' : order.vertical,
      total_amount: order.amount,
      currency: order.currency ?? 'INR',
      created_at: utc(order.at),
      updated_at: utc(order.at),
    }));
    await this.copy(rows, ORDER_COLUMNS, "SELECT *, strftime(created_at, '%Y-%m-%d') AS dt", this.layout.processedTable('orders'), true);
  }

  private async copy(rows: readonly object[], columns: string, select: string, target: string, partitioned: boolean): Promise<void> {
    if (rows.length === 0) return;
    mkdirSync(partitioned ? target : path.dirname(target), { recursive: true });
    const staging = path.join(this.root, '_fixture.jsonl');
    writeFileSync(staging, rows.map((row) => JSON.stringify(row)).join('\n'));
    const engine = await this.engine();
    const source = `read_json(${sqlString(staging)}, format = 'newline_delimited', columns = ${columns})`;
    const options = partitioned ? 'FORMAT parquet, PARTITION_BY (dt), OVERWRITE_OR_IGNORE' : 'FORMAT parquet';
    await engine.execute(`COPY (${select} FROM ${source}) TO ${sqlString(target)} (${options})`);
    rmSync(staging);
  }

  async close(): Promise<void> {
    await this.opened?.close();
    rmSync(this.root, { recursive: true, force: true });
  }
}
