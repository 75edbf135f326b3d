import { strict as assert } from 'node:assert';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { API_KEY, basic, pendingDeadLetters, rawEvents, startStreamApp, WRITE_KEY, type StreamApp } from './support/stream-app';

const track = (overrides: Record<string, unknown> = {}) => ({ userId: 'u-1', event: 'Product Viewed', messageId: `m-${Math.random()}`, properties: { product_id: 'p1' }, ...overrides });

describe('collector HTTP API (status codes, limits, dead letters)', () => {
  let stream: StreamApp;

  before(async () => {
    stream = await startStreamApp({ C360_COLLECTOR_MAX_REQUEST_BYTES: String(64 * 1024), C360_COLLECTOR_RATE_LIMIT: '50', C360_STREAM_CONSUME: 'false' });
  });
  after(async () => stream.close());

  async function post(path: string, body: string | Buffer, headers: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
    const response = await fetch(`${stream.url}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json', authorization: basic(WRITE_KEY), ...headers } });
    return { status: response.status, body: (await response.json()) as Record<string, unknown>, headers: response.headers };
  }

  it('accepts a track call: stored in the raw zone with server fields, 200', async () => {
    const sent = track({ messageId: 'accept-1', originalTimestamp: '2024-05-01T10:00:00.000Z', sentAt: '2024-05-01T10:00:05.000Z' });
    const response = await post('/v1/track', JSON.stringify(sent));
    assert.equal(response.status, 200);
    const stored = rawEvents(stream.config.lakeRoot).find((event) => event.messageId === 'accept-1');
    assert.ok(stored, 'the event is in the raw zone');
    assert.equal(stored.type, 'track');
    assert.equal(typeof stored.receivedAt, 'string');
    // timestamp = receivedAt − (sentAt − originalTimestamp): the device clock's skew removed.
    assert.equal(Date.parse(stored.receivedAt as string) - Date.parse(stored.timestamp as string), 5000);
  });

  it('moves an event dated after tomorrow to when it arrived, keeping the device time; one past any date is refused', async () => {
    const future = track({ messageId: 'future-1', timestamp: '2100-01-01T00:00:00.000Z', originalTimestamp: '2100-01-01T00:00:00.000Z' });
    const tomorrow = new Date(Date.now() + 12 * 60 * 60 * 1000).toISOString();
    const soon = track({ messageId: 'soon-1', timestamp: tomorrow });
    assert.equal((await post('/v1/batch', JSON.stringify({ batch: [{ type: 'track', ...future }, { type: 'track', ...soon }] }))).status, 200);
    const stored = rawEvents(stream.config.lakeRoot);
    const moved = stored.find((event) => event.messageId === 'future-1');
    assert.equal(moved?.timestamp, moved?.receivedAt);
    assert.equal(moved?.originalTimestamp, '2100-01-01T00:00:00.000Z');
    assert.equal(stored.find((event) => event.messageId === 'soon-1')?.timestamp, tomorrow, 'within a day of the server clock: kept');
    const skewed = await post('/v1/track', JSON.stringify(track({ messageId: 'year-1', originalTimestamp: '-271821-04-20T00:00:00Z', sentAt: '2030-01-01T00:00:00Z' })));
    assert.equal(skewed.status, 400);
    assert.equal(rawEvents(stream.config.lakeRoot).some((event) => event.messageId === 'year-1'), false);
  });

  it('accepts gzip bodies (the RudderStack SDK default)', async () => {
    const response = await post('/v1/batch', gzipSync(JSON.stringify({ batch: [{ type: 'page', anonymousId: 'a-1', name: 'Home', messageId: 'gz-1' }] })), { 'content-encoding': 'gzip', 'content-type': 'application/octet-stream' });
    assert.equal(response.status, 200);
    assert.ok(rawEvents(stream.config.lakeRoot).some((event) => event.messageId === 'gz-1'));
  });

  it('answers 401 for a missing or unknown write key, and stores nothing', async () => {
    assert.equal((await post('/v1/track', JSON.stringify(track({ messageId: 'nokey' })), { authorization: '' })).status, 401);
    assert.equal((await post('/v1/track', JSON.stringify(track({ messageId: 'badkey' })), { authorization: basic('wrong-key-000000000') })).status, 401);
    assert.equal((await post('/v1/track', 'not json', { authorization: basic('wrong-key-000000000') })).status, 401);
    assert.ok(!rawEvents(stream.config.lakeRoot).some((event) => event.messageId === 'nokey' || event.messageId === 'badkey'));
  });

  it('takes the write key from a Segment-style body too', async () => {
    const response = await post('/v1/track', JSON.stringify({ ...track({ messageId: 'bodykey' }), writeKey: WRITE_KEY }), { authorization: '' });
    assert.equal(response.status, 200);
    const stored = rawEvents(stream.config.lakeRoot).find((event) => event.messageId === 'bodykey');
    assert.ok(stored && !('writeKey' in stored), 'the write key never reaches the lake');
  });

  it('answers 400 for invalid JSON and dead-letters the body as it arrived', async () => {
    const response = await post('/v1/batch', '{"batch": [ nope');
    assert.equal(response.status, 400);
    const letter = pendingDeadLetters(stream.home).find((l) => l.reason === 'invalid_json');
    assert.equal(letter?.payload, '{"batch": [ nope');
    assert.equal(letter?.stage, 'collector');
  });

  it('answers 400 for an event with neither userId nor anonymousId', async () => {
    const response = await post('/v1/identify', JSON.stringify({ traits: { plan: 'x' }, messageId: 'noid' }));
    assert.equal(response.status, 400);
    assert.deepEqual(response.body.rejected, [{ index: 0, reason: 'missing_field:userId|anonymousId' }]);
    assert.ok(pendingDeadLetters(stream.home).some((l) => l.reason === 'missing_field:userId|anonymousId' && l.payload.includes('noid')));
  });

  it('stores the good events of a mixed batch and answers 400 naming the bad ones', async () => {
    const batch = [
      { type: 'track', userId: 'u-2', event: 'Promotion Viewed', messageId: 'mix-ok' },
      { type: 'track', userId: 42, event: 'Promotion Viewed', messageId: 'mix-numeric-id' },
      { type: 'track', userId: { id: 1 }, event: 'x', messageId: 'mix-wrong-type' },
      { type: 'explode', userId: 'u-2', messageId: 'mix-type' },
      { type: 'track', userId: 'u-2', messageId: 'mix-no-event' },
      { type: 'track', userId: 'u-2', event: 'Big', messageId: 'mix-big', properties: { blob: 'x'.repeat(33 * 1024) } },
    ];
    const response = await post('/v1/batch', JSON.stringify({ batch }));
    assert.equal(response.status, 400);
    assert.equal(response.body.accepted, 2);
    assert.deepEqual(response.body.rejected, [
      { index: 2, reason: 'invalid_field:userId' },
      { index: 3, reason: 'unknown_type' },
      { index: 4, reason: 'missing_field:event' },
      { index: 5, reason: 'event_too_large' },
    ]);
    const stored = rawEvents(stream.config.lakeRoot);
    assert.equal(stored.find((event) => event.messageId === 'mix-numeric-id')?.userId, '42');
    assert.ok(stored.some((event) => event.messageId === 'mix-ok'));
    const reasons = pendingDeadLetters(stream.home).map((letter) => letter.reason);
    for (const reason of ['invalid_field:userId', 'unknown_type', 'missing_field:event', 'event_too_large']) assert.ok(reasons.includes(reason), reason);
  });

  it('answers 413 for a single event over 32 KB and for a body over the request cap (even gzipped)', async () => {
    const big = await post('/v1/track', JSON.stringify(track({ properties: { blob: 'x'.repeat(40 * 1024) } })));
    assert.equal(big.status, 413);
    const tooLong = await post('/v1/batch', JSON.stringify({ batch: [track({ properties: { blob: 'y'.repeat(70 * 1024) } })] }));
    assert.equal(tooLong.status, 413);
    const bomb = gzipSync(JSON.stringify({ batch: [track({ properties: { blob: 'z'.repeat(200 * 1024) } })] }));
    assert.ok(bomb.length < 64 * 1024);
    assert.equal((await post('/v1/batch', bomb, { 'content-encoding': 'gzip' })).status, 413);
  });

  it('answers 429 with Retry-After over the configured rate', async () => {
    const batch = Array.from({ length: 30 }, (_, i) => ({ type: 'page', anonymousId: 'a-rate', messageId: `rate-${i}` }));
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 4; i++) {
      const response = await post('/v1/batch', JSON.stringify({ batch }));
      statuses.push(response.status);
      if (response.status === 429) retryAfter = response.headers.get('retry-after');
    }
    assert.ok(statuses.includes(429), `statuses ${statuses.join(',')}`);
    assert.ok(Number(retryAfter) >= 1);
  });

  it('serves Prometheus metrics on /metrics to API keys only', async () => {
    assert.equal((await fetch(`${stream.url}/metrics`)).status, 401);
    const response = await fetch(`${stream.url}/metrics`, { headers: { authorization: `Bearer ${API_KEY}` } });
    assert.equal(response.status, 200);
    const text = await response.text();
    assert.match(text, /c360_collector_requests_total\{status="200"\} \d+/);
    assert.match(text, /c360_stream_dead_letters_total\{stage="collector",reason="invalid_json"\} 1/);
  });
});
