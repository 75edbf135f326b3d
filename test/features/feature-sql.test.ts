import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { FEATURES } from '../../src/features/feature-registry';
import { ATHENA_FEATURE_DIALECT, DUCKDB_FEATURE_DIALECT, type FeatureDialect } from '../../src/features/sql/feature-dialect';
import { FeatureSqlContext } from '../../src/features/sql/feature-sql-context';
import { featureTableSql } from '../../src/features/sql/feature-table.sql';

const SOURCES = { orders: '"processed_orders"', clickstream: '"processed_clickstream"', lab_bookings: '"processed_lab_bookings"', consultations: '"processed_consultations"', identityMap: '"identity_identity_map"' };

const sql = (dialect: FeatureDialect) => featureTableSql(new FeatureSqlContext('2026-03-31', dialect, SOURCES), FEATURES);

describe('feature SQL', () => {
  it('has one column per registered feature (the registry and the SQL cannot drift apart)', () => {
    const text = sql(DUCKDB_FEATURE_DIALECT);
    for (const feature of FEATURES) assert.match(text, new RegExp(`AS ${feature.name},?\\n`), feature.name);
    assert.throws(() => featureTableSql(new FeatureSqlContext('2026-03-31', DUCKDB_FEATURE_DIALECT, SOURCES), FEATURES.slice(1)), /not registered \[orders_7d\]/);
  });

  it('stays in the subset DuckDB and Athena share, dialect-specific syntax only through the dialect', () => {
    // DuckDB-only constructs: casts with ::, aggregate FILTER, QUALIFY, list literals, ASOF, epoch_ms, json_extract_string, read_parquet.
    const duckdbOnly = [/::/, /\bFILTER\s*\(/i, /\bQUALIFY\b/i, /(?<!ARRAY)\[\]/, /\bASOF\b/i, /\bepoch_ms\b/, /\bjson_extract_string\b/, /\bread_parquet\b/, /\bmedian\(/, /VARCHAR\[\]/];
    const athena = sql(ATHENA_FEATURE_DIALECT);
    assert.match(athena, /e\.dt <= '2026-03-31'/, 'Athena keeps dt as text');
    for (const pattern of duckdbOnly) assert.doesNotMatch(athena, pattern);
    // date_diff on timestamps counts boundaries in DuckDB but whole periods in Trino: only DATEs go in.
    for (const call of athena.match(/date_diff\('day', [^,]+,/g) ?? []) assert.match(call, /CAST\(.* AS DATE\)|lag\(order_day\)|order_day/, call);
    const duckdb = sql(DUCKDB_FEATURE_DIALECT);
    for (const pattern of [/::/, /\bFILTER\s*\(/i, /\bQUALIFY\b/i]) assert.doesNotMatch(duckdb, pattern);
  });

  it('bounds every window by literal instants of the as-of day', () => {
    const text = sql(DUCKDB_FEATURE_DIALECT);
    assert.match(text, /created_at < TIMESTAMP '2026-04-01 00:00:00.000'/);
    assert.match(text, /created_at >= TIMESTAMP '2026-03-02 00:00:00.000'/, '30 days: D-29 … D');
    assert.match(text, /TIMESTAMP '2026-03-31 23:59:59.999' AS event_timestamp/);
  });
});
