import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { AthenaParameterError, toAthenaLiteral, toExecutionParameters } from '../../../src/lake/athena/athena-parameters';
import { backoffDelays } from '../../../src/lake/athena/athena-polling';
import { decodeAthenaValue } from '../../../src/lake/athena/athena-values';
import { substitutePlaceholders } from '../../support/athena-local/sql-placeholders';

// Text samples as Athena prints them, independent of the local server's rendering.
describe('Athena result text → JavaScript', () => {
  it('maps NULL (a missing VarCharValue) to null, whatever the type', () => {
    assert.equal(decodeAthenaValue(undefined, 'integer'), null);
    assert.equal(decodeAthenaValue(undefined, 'varchar'), null);
    assert.equal(decodeAthenaValue('', 'varchar'), '');
  });

  it('reads integers exactly: numbers while safe, bigints beyond 2^53', () => {
    assert.equal(decodeAthenaValue('-12', 'smallint'), -12);
    assert.equal(decodeAthenaValue('9007199254740991', 'bigint'), 9007199254740991);
    assert.equal(decodeAthenaValue('-9223372036854775808', 'bigint'), -9223372036854775808n);
  });

  it('reads Java-printed doubles, reals and decimals with parameters in the type name', () => {
    assert.equal(decodeAthenaValue('1.0E20', 'double'), 1e20);
    assert.ok(Number.isNaN(decodeAthenaValue('NaN', 'double')));
    assert.equal(decodeAthenaValue('-Infinity', 'real'), Number.NEGATIVE_INFINITY);
    assert.equal(decodeAthenaValue('12.50', 'decimal(10,2)'), 12.5);
  });

  it('reads timestamps as UTC Dates, truncating microseconds, and keeps named zones as text', () => {
    assert.deepEqual(decodeAthenaValue('2026-01-02 03:04:05.000', 'timestamp'), new Date('2026-01-02T03:04:05Z'));
    assert.deepEqual(decodeAthenaValue('2026-01-02 03:04:05.123456', 'timestamp(6)'), new Date('2026-01-02T03:04:05.123Z'));
    assert.deepEqual(decodeAthenaValue('2026-01-02 03:04:05.678 UTC', 'timestamp(3) with time zone'), new Date('2026-01-02T03:04:05.678Z'));
    assert.deepEqual(decodeAthenaValue('2026-01-02 08:34:05.678 +05:30', 'timestamp with time zone'), new Date('2026-01-02T03:04:05.678Z'));
    assert.equal(decodeAthenaValue('2026-01-02 03:04:05.678 Asia/Kolkata', 'timestamp with time zone'), '2026-01-02 03:04:05.678 Asia/Kolkata');
    assert.equal(decodeAthenaValue('2026-01-02', 'date'), '2026-01-02');
  });

  it('parses json exactly and nested display forms best effort', () => {
    assert.deepEqual(decodeAthenaValue('{"phone":"910000000001","n":[1,null]}', 'json'), { phone: '910000000001', n: [1, null] });
    assert.deepEqual(decodeAthenaValue('[1, 2, 3]', 'array'), [1, 2, 3]);
    assert.deepEqual(decodeAthenaValue('[]', 'array'), []);
    assert.deepEqual(decodeAthenaValue('{id=u-1, phone=+910000000001, code=007, tags=[a, null], ok=true}', 'row'), {
      id: 'u-1',
      phone: '+910000000001',
      code: '007',
      tags: ['a', null],
      ok: true,
    });
    assert.deepEqual(decodeAthenaValue('[{k=1}, {k=2}]', 'array'), [{ k: 1 }, { k: 2 }]);
    assert.deepEqual(decodeAthenaValue('{}', 'map'), {});
    // Not one display value: the text is returned rather than a guess.
    assert.equal(decodeAthenaValue('[a] [b]', 'array'), '[a] [b]');
    assert.equal(decodeAthenaValue('[a', 'array'), '[a');
  });

  it('keeps other types as their text; varbinary becomes base64 like the DuckDB engine', () => {
    assert.equal(decodeAthenaValue('1 02:03:04.000', 'interval day to second'), '1 02:03:04.000');
    assert.equal(decodeAthenaValue('68 69', 'varbinary'), 'aGk=');
    assert.equal(decodeAthenaValue('true', 'boolean'), true);
  });
});

describe('JavaScript parameters → Athena execution parameters', () => {
  it('quotes strings with inner quotes doubled and no backslash escaping', () => {
    assert.equal(toAthenaLiteral("O'Brien"), "'O''Brien'");
    assert.equal(toAthenaLiteral("\\'; --"), "'\\''; --'");
  });

  it('writes numbers so Athena reads the intended type', () => {
    assert.equal(toAthenaLiteral(42), '42');
    assert.equal(toAthenaLiteral(-0), '0');
    assert.equal(toAthenaLiteral(1.25), '1.25E+0');
    assert.equal(toAthenaLiteral(2 ** 60), '1.152921504606847E+18');
    assert.equal(toAthenaLiteral(Number.POSITIVE_INFINITY), "CAST('Infinity' AS DOUBLE)");
    assert.equal(toAthenaLiteral(2n ** 63n - 1n), '9223372036854775807');
  });

  it('writes Dates as UTC TIMESTAMP literals and arrays as ARRAY[...]', () => {
    assert.equal(toAthenaLiteral(new Date('2026-01-02T03:04:05Z')), "TIMESTAMP '2026-01-02 03:04:05.000'");
    assert.equal(toAthenaLiteral([1, null, 'a']), "ARRAY[1, NULL, 'a']");
    assert.throws(() => toAthenaLiteral(new Date('+010000-01-01T00:00:00Z')), /outside years/);
  });

  it('sends no list at all for no parameters, and names the bad parameter', () => {
    assert.equal(toExecutionParameters([]), undefined);
    assert.throws(() => toExecutionParameters(['ok', { nested: true }]), (error: unknown) => error instanceof AthenaParameterError && /parameter 2/.test(error.message));
  });
});

describe('polling backoff', () => {
  it('doubles from the first wait up to the cap', () => {
    const delays = backoffDelays(50, 1000);
    assert.deepEqual(
      Array.from({ length: 8 }, () => delays.next().value),
      [50, 100, 200, 400, 800, 1000, 1000, 1000],
    );
  });
});

describe('local server placeholder substitution', () => {
  it('replaces only real placeholders, in order, and keeps a negative number an expression', () => {
    assert.equal(substitutePlaceholders("SELECT '?', \"?\" -- ?\n, 1-? /* ? */ WHERE x = ?", ['-5', "'a'"]), "SELECT '?', \"?\" -- ?\n, 1-(-5) /* ? */ WHERE x = 'a'");
    assert.throws(() => substitutePlaceholders('SELECT ?', []), /expected 1 but found 0/);
  });
});
