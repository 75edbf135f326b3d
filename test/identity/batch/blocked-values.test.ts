import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { readIdentityTable } from '../support/identity-zone';
import { RecordLake } from '../support/record-lake';

describe('identity_blocked: every value that normalized to nothing, by type, why and how often', () => {
  const lake = new RecordLake();

  before(async () => {
    lake
      .orders(
        { id: 'OD1', userId: 'u_1', phone: 'not-a-phone', email: ' TEST@test.com', at: '2026-03-01T08:00:00Z' },
        { id: 'OD2', userId: 'u_2', phone: '9811111111', email: 'test@test.com', at: '2026-03-01T09:00:00Z' },
      )
      .events(
        { at: '2026-03-01T10:00:00Z', type: 'identify', userId: 'null', anonymousId: 'anon-1', traits: { email: 'bad-email' } },
        // An alias's previous id fills the second anonymous_id column of the records' layout.
        { at: '2026-03-01T11:00:00Z', type: 'alias', userId: 'u_1', anonymousId: 'anon-2', previousId: 'undefined' },
        { at: '2026-03-01T12:00:00Z', anonymousId: 'anon-3', deviceId: '00000000-0000-0000-0000-000000000000' },
        // The only rejected value of its record, in the layout's first column.
        { at: '2026-03-01T13:00:00Z', userId: 'none', anonymousId: 'anon-4' },
      );
    await lake.stitch();
  });
  after(() => lake.close());

  it('lists each rejected value once with its type, reason and occurrences, and nothing that normalized', async () => {
    const rows = await readIdentityTable(await lake.lake(), lake.layout, 'identity_blocked');
    const listed = rows.map((row) => `${row.id_type} ${row.raw_value} ${row.reason} ${row.occurrences}`).sort();
    assert.deepEqual(listed, [
      'anonymous_id undefined blocklist 1',
      'device_id 00000000-0000-0000-0000-000000000000 blocklist 1',
      'email bad-email malformed 1',
      'email test@test.com blocklist 2',
      'phone not-a-phone malformed 1',
      'user_id none blocklist 1',
      'user_id null blocklist 1',
    ]);
  });
});
