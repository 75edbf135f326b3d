import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { duckDbIdentifierHashSql, type IdentifierHashSql } from '../../../src/identity/batch/graph-tables.sql';
import { stitchLake } from '../../../src/identity/batch/stitch-lake';
import { hasIdentityTable } from '../../../src/identity/identity-tables';
import type { LogFields, Logger } from '../../../src/shared/logger.port';
import { generatedLake, type GeneratedLake } from '../support/generated-lake';
import { readIdentityMap } from '../support/identity-zone';

/** Sixteen hash values for every identifier: thousands of them collide. */
const sixteenBuckets: IdentifierHashSql = (typeCode, value, seed) => `(${duckDbIdentifierHashSql(typeCode, value, seed)} % 16)`;

function recordingLogger(): Logger & { warnings: Array<{ message: string; fields?: LogFields }> } {
  const warnings: Array<{ message: string; fields?: LogFields }> = [];
  return { warnings, info: () => undefined, error: () => undefined, warn: (message, fields) => void warnings.push({ message, fields }) };
}

describe('identifier hash collisions in a batch stitch', () => {
  let lake: GeneratedLake;

  before(async () => {
    lake = await generatedLake({ users: 400, days: 7 });
  });
  after(() => lake.close());

  it('writes nothing when every seed collides, and says so', async () => {
    await assert.rejects(stitchLake(lake.engine, lake.layout, { identifierHashSql: sixteenBuckets }), /identifier hashes keep colliding; nothing was written/);
    for (const table of ['identity_map', 'identity_edges', 'identity_blocked'] as const) assert.equal(hasIdentityTable(lake.layout, table), false, table);
  });

  it('rehashes with the next seed after a collision, and stitches exactly as without one', async () => {
    const clean = await stitchLake(lake.engine, lake.layout);
    const cleanMap = await readIdentityMap(lake.engine, lake.layout);
    const logger = recordingLogger();
    // Only the first attempt's hash is weak: the second (seed 1) is DuckDB's own.
    const firstAttemptCollides: IdentifierHashSql = (typeCode, value, seed) => (seed === 0 ? sixteenBuckets(typeCode, value, seed) : duckDbIdentifierHashSql(typeCode, value, seed));
    const rehashed = await stitchLake(lake.engine, lake.layout, { identifierHashSql: firstAttemptCollides, logger });
    assert.deepEqual(logger.warnings, [{ message: 'identity.stitch: identifier hash collision, rehashing', fields: { seed: 1 } }]);
    assert.ok(clean.identifiers > 16, `enough identifiers to collide (${clean.identifiers})`);
    const { ms: _cleanMs, ...cleanCounts } = clean;
    const { ms: _rehashedMs, ...rehashedCounts } = rehashed;
    assert.deepEqual(rehashedCounts, cleanCounts);
    assert.deepEqual(new Map([...(await readIdentityMap(lake.engine, lake.layout)).customerOf].sort()), new Map([...cleanMap.customerOf].sort()));
  });
});
