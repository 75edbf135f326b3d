import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { extendBlocklist } from '../../../src/identity/rules/blocklist';
import { DEFAULT_RULES } from '../../../src/identity/rules/identity-rules';
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

  describe('phones, blocked by their number however they were written', () => {
    const phones = new RecordLake();
    before(async () => {
      phones.orders(
        { id: 'OD1', userId: 'u_1', phone: '+91 00000 00000', email: 'a@example.in', at: '2026-03-01T08:00:00Z' },
        // A call centre's number, listed as the map stores phones (+91…), and as its ten digits.
        { id: 'OD2', userId: 'u_2', phone: '98000 00000', email: 'b@example.in', at: '2026-03-01T09:00:00Z' },
        { id: 'OD3', userId: 'u_3', phone: '(981) 222-3333', email: 'c@example.in', at: '2026-03-01T10:00:00Z' },
        { id: 'OD4', userId: 'u_4', phone: '98111 22233', email: 'd@example.in', at: '2026-03-01T11:00:00Z' },
        { id: 'OD5', userId: 'u_5', phone: '12-34', email: 'e@example.in', at: '2026-03-01T12:00:00Z' },
      );
      await phones.stitch({ rules: { ...DEFAULT_RULES, blocklist: extendBlocklist(DEFAULT_RULES.blocklist, ['+919800000000', '9812223333'], []) } });
    });
    after(() => phones.close());

    it('counts a listed or all-zero number as blocked, not malformed, and keeps the others', async () => {
      const rows = await readIdentityTable(await phones.lake(), phones.layout, 'identity_blocked');
      assert.deepEqual(rows.map((row) => `${row.id_type} ${row.raw_value} ${row.reason}`).sort(), [
        'phone (981) 222-3333 blocklist',
        'phone +91 00000 00000 blocklist',
        'phone 12-34 malformed',
        'phone 98000 00000 blocklist',
      ]);
      const map = await readIdentityTable(await phones.lake(), phones.layout, 'identity_map');
      assert.deepEqual(map.filter((row) => row.id_type === 'phone').map((row) => row.id_value), ['+919811122233']);
    });
  });
});
