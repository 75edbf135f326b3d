import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { LinkKeys, type RecordBounds } from '../../../src/identity/batch/link-keys';
import { NO_TIME_MS } from '../../../src/identity/batch/record-identifiers.sql';
import { DuckDbLakeEngine } from '../../../src/lake/duckdb/duckdb-lake-engine';

interface Sighting {
  t: number;
  source: number;
  rank: number;
  pos: number;
}

const compare = (a: Sighting, b: Sighting) => a.t - b.t || a.source - b.source || a.rank - b.rank || a.pos - b.pos;

describe('sighting keys: link order packed into one integer', () => {
  let engine: DuckDbLakeEngine;
  before(async () => {
    engine = await DuckDbLakeEngine.open({ lakeRoot: '.', memoryLimit: '256MB', threads: 1 });
  });
  after(() => engine.close());

  /** Each sighting's key, and the stitcher's (time, place) halves and the record's time and source read back from it. */
  async function keysOf(keys: LinkKeys, sightings: Sighting[]) {
    const values = sightings.map((s, index) => `(${index}, ${s.t}::BIGINT, ${s.source}, ${s.rank}, ${s.pos})`).join(', ');
    const k = keys.sightingKeySql(keys.recordKeySql('t', 'source', 'rank'), 'pos');
    const rows = await engine.query(`SELECT i, ${keys.timeSql('k')} AS time, ${keys.placeSql('k')} AS place, ${keys.recordTimeSql('k')} AS t, ${keys.recordSourceSql('k')} AS source
      FROM (SELECT i, ${k} AS k FROM (VALUES ${values}) AS v(i, t, source, rank, pos)) ORDER BY i`);
    return rows.map((row) => ({ time: Number(row.time), place: Number(row.place), t: Number(row.t), source: Number(row.source) }));
  }

  const cases: Array<{ name: string; bounds: RecordBounds; type: string }> = [
    { name: 'a month of events', bounds: { minTime: 1_790_000_000_000, maxTime: 1_792_600_000_000, untimed: false, maxRank: 3 }, type: 'BIGINT' },
    { name: 'records without a time, after every other', bounds: { minTime: 1_790_000_000_000, maxTime: 1_792_600_000_000, untimed: true, maxRank: 3 }, type: 'BIGINT' },
    { name: 'times before 1970 to the end of JS dates (HUGEINT)', bounds: { minTime: -200_000_000_000_000, maxTime: 1_792_600_000_000, untimed: true, maxRank: 1000 }, type: 'HUGEINT' },
  ];
  for (const { name, bounds, type } of cases) {
    it(`orders sightings by time, source, record rank and position: ${name}`, async () => {
      const keys = new LinkKeys(bounds, 5);
      assert.equal(keys.sqlType, type);
      const times = [bounds.minTime ?? 0, bounds.maxTime ?? 0, ...(bounds.untimed ? [NO_TIME_MS] : [])];
      const sightings: Sighting[] = [];
      for (const t of times) for (const source of [0, 4]) for (const rank of [0, bounds.maxRank]) for (const pos of [1, 5]) sightings.push({ t, source, rank, pos });
      const read = await keysOf(keys, sightings);
      const order = sightings.map((_, index) => index).sort((a, b) => read[a].time - read[b].time || read[a].place - read[b].place);
      assert.deepEqual(order, sightings.map((_, index) => index).sort((a, b) => compare(sightings[a], sightings[b])));
      read.forEach((back, index) => {
        assert.equal(back.t, sightings[index].t);
        assert.equal(back.source, sightings[index].source);
        assert.ok(Number.isSafeInteger(back.time) && Number.isSafeInteger(back.place));
      });
    });
  }
});
