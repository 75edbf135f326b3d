/** Raw-zone records as the sources send them, for hand-written fixtures. */

export const ORDER_COLUMNS = 'order_id,user_id,phone,email,status,vertical,total_amount,currency,created_at,updated_at';
export const ORDER_CHANGE_HEADER = `Op,${ORDER_COLUMNS}`;

export interface RawOrder {
  id: string;
  user: string;
  status: string;
  vertical: string;
  amount: string;
  created: string;
  updated: string;
}

/** A DMS CSV row of the orders table (full-load files omit `op`). */
export function orderLine(order: RawOrder, op?: 'I' | 'U' | 'D'): string {
  const fields = [order.id, order.user, '', '', order.status, order.vertical, order.amount, 'INR', order.created, order.updated];
  return (op ? [op, ...fields] : fields).join(',');
}

export interface RawEvent {
  messageId: string;
  event?: string;
  type?: string;
  userId?: string;
  anonymousId?: string;
  /** ISO-8601 UTC. */
  at: string;
  /** Server receipt time; defaults to `at`. A redelivered copy arrives later. */
  receivedAt?: string;
  channel?: 'mobile' | 'web';
  properties?: Record<string, unknown>;
}

/** A RudderStack event as the SDK posts it, one JSON line. */
export function eventLine(event: RawEvent): string {
  return JSON.stringify({
    type: event.type ?? 'track',
    ...(event.event ? { event: event.event } : {}),
    messageId: event.messageId,
    ...(event.userId ? { userId: event.userId } : {}),
    anonymousId: event.anonymousId ?? 'anon-unset',
    channel: event.channel ?? 'web',
    properties: event.properties ?? {},
    context: { traits: {} },
    timestamp: event.at,
    originalTimestamp: event.at,
    sentAt: event.at,
    receivedAt: event.receivedAt ?? event.at,
  });
}
