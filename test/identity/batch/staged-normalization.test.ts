import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { RECORD_SOURCES, recordsSelectSql, slotLayout, type RecordSource } from '../../../src/identity/batch/record-identifiers.sql';
import { normalizedIdentifierSql, normalizeIdentifier } from '../../../src/identity/identifier-normalization';
import { BlocklistMatcher, extendBlocklist, DEFAULT_BLOCKLIST } from '../../../src/identity/rules/blocklist';
import { CompiledRules, DEFAULT_RULES } from '../../../src/identity/rules/identity-rules';
import { DuckDbLakeEngine } from '../../../src/lake/duckdb/duckdb-lake-engine';
import { sqlString } from '../../../src/lake/lake-relation';

// Values that have tripped identity systems: whitespace of every ASCII kind at either end, case,
// placeholders, all-zero ids, phone formats, too long, non-ASCII, lone surrogates' neighbours.
const RAW: Record<string, string[]> = {
  // Case beyond ASCII: a dotted capital I and a word-final sigma lower-case differently in JavaScript.
  user_id: ['NİL', 'UNDEFİNED', 'İd-1', 'u_1', ' u_1 ', '\tu_1\n', 'U_1', 'null', ' NULL ', '0', '-1', '0000', '---', '', '   ', '\u00a0u_1', 'ü_1 ', 'x'.repeat(254), 'x'.repeat(255), '\x01u\x1f', 'anonymous', 'custom-junk'],
  email: ['A@Example.com', ' a@example.com\r', 'a@b@c', 'no-at-sign', 'test@test.com', 'TEST@TEST.COM ', '@x', 'x@', `${'a'.repeat(250)}@b.co`, 'Ünï@cödé.in', 'İ@x.com', 'ΟΔΟΣ@x.gr', 'aΣ@x.gr', `${'İ'.repeat(200)}@x.com`, `${'a'.repeat(247)}@x.coİ`],
  phone: ['9811111111', '+91 98111 11111', '098111-11111', '919811111111', '12345', '0000000000', '+1 (415) 555-2671', '1234567890123456', 'abc', '0', '+910000000000', '\t9811111111 ', '98000 00000', '+1 415 555 0000'],
  device_id: ['00000000-0000-0000-0000-000000000000', 'A1B2', ' a1b2\v', 'undefined', 'nan', 'n/a'],
  anonymous_id: ['NİL', 'anon-1', ' anon-1', 'unknown', 'None', '\fanon\f'],
};

describe('batch stitching normalizes identifiers exactly as lookups do', () => {
  let engine: DuckDbLakeEngine;
  const rules = new CompiledRules({ ...DEFAULT_RULES, blocklist: extendBlocklist(DEFAULT_BLOCKLIST, ['custom-junk', '+919800000000', '+14155550000'], ['^x{255}$']) });
  const matcher = new BlocklistMatcher(rules.rules.blocklist);

  before(async () => {
    engine = await DuckDbLakeEngine.open({ lakeRoot: '.', memoryLimit: '256MB', threads: 1 });
  });
  after(() => engine.close());

  it('the staged SQL of batch records, the inline SQL and TypeScript agree on every value', async () => {
    const layout = slotLayout(RECORD_SOURCES, rules);
    for (const [type, values] of Object.entries(RAW)) {
      const source: RecordSource = { table: 'orders', recordId: 'i', time: 'NULL::TIMESTAMP', slots: [{ type, raw: 'raw' }] };
      const relation = `(SELECT * FROM (VALUES ${values.map((value, index) => `(${index}, ${sqlString(value)})`).join(', ')}) AS input(i, raw))`;
      const k = layout.findIndex((slot) => slot.type === type) + 1;
      const rows = await engine.query(
        `SELECT CAST(r.record_id AS INTEGER) AS i, r.v${k} AS staged, ${normalizedIdentifierSql(type, 'input.raw', rules.rules.blocklist)} AS inline
         FROM (${recordsSelectSql(source, relation, new Set(['i', 'raw']), rules, layout)}) AS r JOIN ${relation} AS input ON CAST(input.i AS VARCHAR) = r.record_id ORDER BY 1`,
      );
      assert.equal(rows.length, values.length);
      for (const row of rows) {
        const raw = values[Number(row.i)];
        const expected = normalizeIdentifier(type, raw, matcher);
        assert.equal(row.staged, expected, `${type} ${JSON.stringify(raw)}: staged SQL`);
        assert.equal(row.inline, expected, `${type} ${JSON.stringify(raw)}: inline SQL`);
      }
    }
  });

  it('lower-cases as the lake engine does, and blocks a phone listed as it is stored', () => {
    assert.equal(normalizeIdentifier('user_id', 'NİL', matcher), null, "'NİL' lower-cases to the blocked 'nil'");
    assert.equal(normalizeIdentifier('email', 'aΣ@x.gr', matcher), 'aσ@x.gr');
    assert.equal(normalizeIdentifier('email', 'İ@x.com', matcher), 'i@x.com');
    assert.equal(normalizeIdentifier('phone', '98000 00000', matcher), null);
    assert.equal(normalizeIdentifier('phone', '+1 (415) 555-0000', matcher), null);
    assert.equal(normalizeIdentifier('phone', '98000 00001', matcher), '+919800000001');
  });
});
