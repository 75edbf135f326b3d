import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { FEATURES } from '../../src/features/feature-registry';
import { ATHENA_FEATURE_DIALECT } from '../../src/features/sql/feature-dialect';
import { FeatureSqlContext } from '../../src/features/sql/feature-sql-context';
import { featureTableSql } from '../../src/features/sql/feature-table.sql';

/** The checked-in pom and parser entry point (this file runs compiled, from <dist>/test/features). */
const PARSER_DIR = path.resolve(__dirname, '..', '..', '..', 'test', 'features', 'support', 'trino-parser');
const SOURCES = { orders: '"processed_orders"', clickstream: '"processed_clickstream"', lab_bookings: '"processed_lab_bookings"', consultations: '"processed_consultations"', identityMap: '"identity_identity_map"' };

function toolsMissing(): string | false {
  for (const tool of ['java', 'mvn']) {
    if (spawnSync(tool, ['-version'], { encoding: 'utf8' }).error) return `${tool} is not installed`;
  }
  return false;
}

/**
 * The Athena variant of the feature SQL cannot run here, but its syntax can be checked by the
 * real Trino parser (Athena engine v3 is Trino): a DuckDB-only construct slipping into the shared
 * SQL fails this test, not a production run.
 */
describe('feature SQL for Athena', { skip: toolsMissing() }, () => {
  it('parses with Trino’s own SQL parser', { timeout: 600_000 }, () => {
    const scratch = mkdtempSync(path.join(os.tmpdir(), 'c360-trino-parse-'));
    try {
      const classpathFile = path.join(scratch, 'classpath.txt');
      const resolve = spawnSync('mvn', ['-q', '-B', '-f', path.join(PARSER_DIR, 'pom.xml'), 'dependency:build-classpath', `-Dmdep.outputFile=${classpathFile}`], { encoding: 'utf8' });
      assert.equal(resolve.status, 0, `resolving trino-parser failed:\n${resolve.stdout}\n${resolve.stderr}`);
      const sqlFile = path.join(scratch, 'features.sql');
      writeFileSync(sqlFile, featureTableSql(new FeatureSqlContext('2026-03-31', ATHENA_FEATURE_DIALECT, SOURCES), FEATURES));
      const parse = spawnSync('java', ['-cp', readFileSync(classpathFile, 'utf8').trim(), path.join(PARSER_DIR, 'ParseTrino.java'), sqlFile], { encoding: 'utf8' });
      assert.equal(parse.status, 0, `Trino rejects the Athena feature SQL:\n${parse.stderr}`);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});
