import { strict as assert } from 'node:assert';
import { copyFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { auditIdentity } from '../../src/identity/audit/identity-audit';
import { assertOneStitch, identityTableFile, STITCH_ID_METADATA_KEY } from '../../src/identity/identity-tables';
import { sqlString } from '../../src/lake/lake-relation';
import { DomainError } from '../../src/shared/domain-error';
import { readResolvedEdges } from './support/identity-zone';
import { RecordLake } from './support/record-lake';

describe('the identity zone: identity_edges names its ends by identity_map id_key, within one stitch', () => {
  const lake = new RecordLake();

  before(async () => {
    lake
      .orders({ id: 'OD1', userId: 'u_a', phone: '9811111111', email: 'a@example.com', at: '2026-03-01T08:00:00Z' })
      .events(
        { at: '2026-03-01T10:00:00Z', type: 'identify', userId: 'u_a', anonymousId: 'anon-1', deviceId: 'dev-1' },
        { at: '2026-03-01T11:00:00Z', anonymousId: 'anon-2', deviceId: 'dev-2' },
      );
    await lake.process();
    await lake.stitch();
  });
  after(() => lake.close());

  const engine = () => lake.lake();
  const rewrite = async (table: 'identity_map' | 'identity_edges', metadata: string) => {
    const file = identityTableFile(lake.layout, table);
    copyFileSync(file, `${file}.before`);
    await (await engine()).execute(`COPY (SELECT * FROM read_parquet(${sqlString(`${file}.before`)})) TO ${sqlString(file)} (FORMAT parquet${metadata})`);
  };
  const restore = (table: 'identity_map' | 'identity_edges') => {
    const file = identityTableFile(lake.layout, table);
    copyFileSync(`${file}.before`, file);
  };

  it('resolves every edge end to an identifier of the type the edge names', async () => {
    const edges = await readResolvedEdges(await engine(), lake.layout);
    assert.ok(edges.length >= 5, `edges: ${edges.length}`);
    for (const edge of edges) assert.deepEqual([edge.a_map_type, edge.b_map_type], [edge.a_type, edge.b_type]);
    const linked = edges.map((edge) => [edge.a_value, edge.b_value].sort().join(' – ')).sort();
    assert.ok(linked.includes('anon-2 – dev-2'), linked.join('; '));
  });

  it('writes the same stitch id into both files', async () => {
    const id = await assertOneStitch(await engine(), lake.layout);
    assert.match(id, /^[0-9a-f-]{36}$/);
    const before = id;
    await lake.stitch();
    assert.notEqual(await assertOneStitch(await engine(), lake.layout), before, 'each stitch has an id of its own');
  });

  it('refuses to audit a map and edges written by different stitches', async () => {
    await rewrite('identity_edges', `, KV_METADATA {${sqlString(STITCH_ID_METADATA_KEY)}: 'another-stitch'}`);
    try {
      await assert.rejects(auditIdentity(await engine(), lake.layout, { top: 3, revealPii: false }), (error: unknown) => {
        assert.ok(error instanceof DomainError);
        assert.equal(error.code, 'CONFLICT');
        assert.match(error.message, /different stitches/);
        return true;
      });
    } finally {
      restore('identity_edges');
    }
    await auditIdentity(await engine(), lake.layout, { top: 3, revealPii: false });
  });

  it('asks for a new stitch when the zone was written before edges named their ends by key', async () => {
    await rewrite('identity_map', '');
    try {
      await assert.rejects(assertOneStitch(await engine(), lake.layout), /earlier version of c360[\s\S]*c360 identity stitch/);
    } finally {
      restore('identity_map');
    }
  });
});
