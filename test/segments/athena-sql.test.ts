import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { LakeLayout } from '../../src/lake/lake-layout';
import { ATHENA_SEGMENT_DIALECT } from '../../src/segments/sql/segment-dialect';
import { compileSegments, membersSql } from '../../src/segments/sql/segment-query.sql';
import { SegmentSqlContext } from '../../src/segments/sql/segment-sql-context';
import { segmentSources } from '../../src/segments/sql/segment-sources';
import { SegmentLake } from './support/segment-lake';

/** The checked-in pom and parser entry point of the features tests (this file runs compiled, from <dist>/test/segments). */
const PARSER_DIR = path.resolve(__dirname, '..', '..', '..', 'test', 'features', 'support', 'trino-parser');

function toolsMissing(): string | false {
  for (const tool of ['java', 'mvn']) {
    if (spawnSync(tool, ['-version'], { encoding: 'utf8' }).error) return `${tool} is not installed`;
  }
  return false;
}

const EVERYTHING = {
  all: [
    { feature: 'orders_30d', op: 'between', min: 1, max: 5 },
    { feature: 'favourite_category', op: 'not_in', values: ['a', 'b'] },
    { feature: 'cart_products', op: 'contains', value: 'SKU-1' },
    { any: [{ feature: 'cart_products', op: 'exists' }, { feature: 'last_seen_at', op: 'within_last_days', value: 7 }] },
    { not: { event: 'Order Completed', inLastDays: 30, where: [{ property: 'revenue', op: 'gte', value: 100 }, { property: 'currency', op: 'in', values: ['INR'] }] } },
    { event: 'Product Viewed', atLeast: 2, inLastDays: 7, where: [{ property: 'rx', op: 'eq', value: true }] },
  ],
};

/**
 * The Athena variant of the segment SQL cannot run here, but Trino's own parser (Athena engine v3
 * is Trino) checks its syntax, so a DuckDB-only construct in the shared SQL fails here first.
 */
describe('segment SQL for Athena', { skip: toolsMissing() }, () => {
  it('parses with Trino’s own SQL parser: members of every kind of condition, several segments at once', { timeout: 600_000 }, async () => {
    const lake = new SegmentLake();
    const scratch = mkdtempSync(path.join(os.tmpdir(), 'c360-trino-segments-'));
    try {
      const context = new SegmentSqlContext('2026-03-31', ATHENA_SEGMENT_DIALECT, segmentSources({ dialect: 'athena' }, new LakeLayout('/unused'), '2026-03-31'));
      const checked = await lake.check(EVERYTHING);
      const compiled = compileSegments([checked, await lake.check({ feature: 'gmv_30d', op: 'gt', value: 10 })], context);
      const statements = {
        members: membersSql(checked, context).text,
        batch: `WITH ${compiled.ctes.text} SELECT f.customer_id, ${compiled.optedOut} AS opted_out, ${compiled.predicates.map((p, i) => `${p.text} AS s${i}`).join(', ')} FROM ${compiled.from}`,
      };
      const classpathFile = path.join(scratch, 'classpath.txt');
      const resolve = spawnSync('mvn', ['-q', '-B', '-f', path.join(PARSER_DIR, 'pom.xml'), 'dependency:build-classpath', `-Dmdep.outputFile=${classpathFile}`], { encoding: 'utf8' });
      assert.equal(resolve.status, 0, `resolving trino-parser failed:\n${resolve.stdout}\n${resolve.stderr}`);
      const files = Object.entries(statements).map(([name, text]) => {
        const file = path.join(scratch, `${name}.sql`);
        writeFileSync(file, text);
        return file;
      });
      const parse = spawnSync('java', ['-cp', readFileSync(classpathFile, 'utf8').trim(), path.join(PARSER_DIR, 'ParseTrino.java'), ...files], { encoding: 'utf8' });
      assert.equal(parse.status, 0, `Trino rejects the Athena segment SQL:\n${parse.stderr}`);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
      await lake.close();
    }
  });
});
