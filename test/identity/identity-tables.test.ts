import { strict as assert } from 'node:assert';
import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';
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
      .orders(
        { id: 'OD1', userId: 'u_a', phone: '9811111111', email: 'a@example.com', at: '2026-03-01T08:00:00Z' },
        // One pair in two orders: the later order has the smaller id, so only time picks the provenance.
        { id: 'OD9', userId: 'u_z', email: 'z@example.com', at: '2026-03-01T07:00:00Z' },
        { id: 'OD3', userId: 'u_z', email: 'z@example.com', at: '2026-03-01T09:30:00Z' },
      )
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

  it('keeps the first record that linked a pair, its source, first and last sighting and count', async () => {
    const edges = await readResolvedEdges(await engine(), lake.layout);
    const pair = edges.filter((edge) => [edge.a_value, edge.b_value].sort().join(' ') === 'u_z z@example.com');
    assert.equal(pair.length, 1);
    const [edge] = pair;
    assert.deepEqual(
      { source: edge.source, recordId: edge.record_id, occurrences: Number(edge.occurrences), status: edge.status },
      { source: 'orders', recordId: 'OD9', occurrences: 2, status: 'linked' },
    );
    assert.equal(new Date(String(edge.first_seen)).toISOString(), '2026-03-01T07:00:00.000Z');
    assert.equal(new Date(String(edge.last_seen)).toISOString(), '2026-03-01T09:30:00.000Z');
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

  it('refuses an audit that a stitch overtook: its queries could pair one stitch\'s edges with the other\'s map', async () => {
    const real = await engine();
    let queries = 0;
    // The stitch lands after the audit's first check and its first queries.
    const racing = new Proxy(real, {
      get(target, property, receiver) {
        if (property !== 'query') return Reflect.get(target, property, receiver) as unknown;
        return async (sql: string) => {
          if (++queries === 3) await lake.stitch();
          return target.query(sql);
        };
      },
    });
    await assert.rejects(auditIdentity(racing, lake.layout, { top: 3, revealPii: false }), /rewrote the identity zone while the audit read it/);
    const audit = await auditIdentity(real, lake.layout, { top: 3, revealPii: false });
    assert.equal(audit.stitchId, await assertOneStitch(real, lake.layout));
  });

  it('renames nothing in when one of the zone\'s writes fails: the previous map and edges stay, of one stitch', async () => {
    const before = await assertOneStitch(await engine(), lake.layout);
    // A folder where the map's partial file goes makes its write fail, after the edges' succeeded or while it runs.
    const blocker = `${identityTableFile(lake.layout, 'identity_map')}.${process.pid}.partial`;
    mkdirSync(blocker);
    try {
      await assert.rejects(lake.stitch());
    } finally {
      rmSync(blocker, { recursive: true, force: true });
    }
    assert.equal(await assertOneStitch(await engine(), lake.layout), before);
    const left = readdirSync(path.dirname(identityTableFile(lake.layout, 'identity_edges')));
    assert.deepEqual(left.filter((name) => name.endsWith('.partial')), [], 'no partial file is left behind');
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
