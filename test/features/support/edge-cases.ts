import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { LakeLayout } from '../../../src/lake/lake-layout';
import { lines, orderChanges, rawFiles, type OrderChange } from './reference-features';

const DAY_MS = 86_400_000;
const CASES = 3;

/**
 * Adds, on the generated lake's last landed day, the edge cases the specified features must get
 * right, a few of each, so a small generated lake always has them (the generator's own rates leave
 * some out at a few hundred users): orders deleted after being placed in the window, clicks the
 * SDK delivered twice, and banner clicks made logged out by someone with an account.
 */
export function injectEdgeCases(layout: LakeLayout, lastDay: string): void {
  const since = Date.parse(`${lastDay}T00:00:00Z`) - 20 * DAY_MS;
  const deleteAt = `${lastDay} 23:00:00`;

  // Orders placed in the window, still standing, last changed before the delete lands.
  const latest = new Map<string, OrderChange>();
  for (const change of orderChanges(layout)) {
    const known = latest.get(change.orderId);
    if (!known || change.updatedAt > known.updatedAt || (change.updatedAt === known.updatedAt && change.seq > known.seq)) latest.set(change.orderId, change);
  }
  const deleted = [...latest.values()]
    .filter((order) => order.op !== 'D' && order.createdAt >= since && order.userId !== '' && order.updatedAt < Date.parse(`${deleteAt.replace(' ', 'T')}Z`))
    .sort((a, b) => (a.orderId < b.orderId ? -1 : 1))
    .slice(0, CASES);
  const orders = path.join(layout.rawPartition('orders', lastDay), '29991231-235900000.csv');
  mkdirSync(path.dirname(orders), { recursive: true });
  // DMS writes a delete with the row's before-image, so a reader that ignored Op would count it.
  const columns = ['order_id', 'user_id', 'phone', 'email', 'status', 'vertical', 'total_amount', 'currency', 'created_at', 'updated_at'];
  const row = (order: OrderChange) => ['D', ...columns.map((column) => (column === 'updated_at' ? deleteAt : (order.columns[column] ?? '')))].join(',');
  writeFileSync(orders, [`Op,${columns.join(',')}`, ...deleted.map(row)].map((line) => `${line}\n`).join(''));

  // Clicks in the window, from people who were logged in (so an anonymous id links them).
  const clicks: Array<Record<string, unknown>> = [];
  for (const file of rawFiles(layout, 'clickstream', /\.jsonl$/i)) {
    for (const line of lines(file)) {
      if (!line.includes('"Promotion Clicked"')) continue;
      const event = JSON.parse(line) as Record<string, unknown>;
      const at = Date.parse(String(event.timestamp ?? event.originalTimestamp));
      if (at >= since && typeof event.userId === 'string' && typeof event.anonymousId === 'string' && event.userId.length > 3) clicks.push(event);
    }
  }
  const picked = clicks.slice(0, 2 * CASES);
  const later = (time: unknown) => new Date(Date.parse(String(time)) + 3_600_000).toISOString();
  const redelivered = picked.slice(0, CASES).map((event) => ({ ...event, sentAt: later(event.sentAt), receivedAt: later(event.receivedAt) }));
  const loggedOut = picked.slice(CASES).map((event) => {
    const { userId: _userId, ...anonymous } = event;
    return { ...anonymous, messageId: `${String(event.messageId)}-logged-out` };
  });
  const events = path.join(layout.rawPartition('clickstream', lastDay), 'zz-edge-cases.jsonl');
  mkdirSync(path.dirname(events), { recursive: true });
  writeFileSync(events, [...redelivered, ...loggedOut].map((event) => `${JSON.stringify(event)}\n`).join(''));
}
