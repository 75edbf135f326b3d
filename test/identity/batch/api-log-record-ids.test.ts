import { strict as assert } from 'node:assert';
import { readdirSync, renameSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { sqlString } from '../../../src/lake/lake-relation';
import { stitchLake } from '../../../src/identity/batch/stitch-lake';
import { readResolvedEdges } from '../support/identity-zone';
import { RecordLake } from '../support/record-lake';

/** The record id of the edge linking a device to an account, by the device. */
async function recordIdOfDevice(lake: RecordLake, device: string): Promise<unknown> {
  const edges = await readResolvedEdges(await lake.lake(), lake.layout);
  const edge = edges.find((candidate) => candidate.a_value === device || candidate.b_value === device);
  assert.ok(edge, `no edge for ${device}`);
  return edge.record_id;
}

/** Rewrites a day of processed api_logs as a build before log_id wrote it: every other column, in place. */
async function dropLogIdOf(lake: RecordLake, day: string): Promise<void> {
  const dir = path.join(lake.layout.processedTable('api_logs'), `dt=${day}`);
  const engine = await lake.lake();
  for (const name of readdirSync(dir).filter((file) => file.endsWith('.parquet'))) {
    const file = path.join(dir, name);
    renameSync(file, `${file}.new`);
    await engine.execute(`COPY (SELECT * EXCLUDE (log_id) FROM read_parquet(${sqlString(`${file}.new`)})) TO ${sqlString(file)} (FORMAT parquet)`);
    rmSync(`${file}.new`);
  }
}

describe('an API-log edge names the raw line its record was logged on', () => {
  const lakes: RecordLake[] = [];
  const newLake = () => {
    const lake = new RecordLake();
    lakes.push(lake);
    return lake
      .apiLogFile(
        // The same endpoint twice in one file: only the line each was logged on tells the two records apart.
        { at: '2026-03-01T10:00:00Z', deviceId: 'dev-1', userId: 'u_1' },
        { at: '2026-03-01T10:05:00Z', deviceId: 'dev-2', userId: 'u_2' },
      )
      .apiCalls({ at: '2026-03-02T09:00:00Z', deviceId: 'dev-3', userId: 'u_3' });
  };
  after(async () => {
    for (const lake of lakes) await lake.close();
  });

  it('gives each record its raw file and line as its id', async () => {
    const lake = newLake();
    await lake.stitch();
    const ids = (await Promise.all(['dev-1', 'dev-2', 'dev-3'].map((device) => recordIdOfDevice(lake, device)))).map(String);
    assert.match(ids[0], /^raw\/api_logs\/dt=2026-03-01\/part-\d+\.jsonl:1$/);
    assert.equal(ids[1], ids[0].replace(/:1$/, ':2'));
    assert.match(ids[2], /^raw\/api_logs\/dt=2026-03-02\/part-\d+\.jsonl:1$/);
  });

  it('still stitches a lake processed before log_id, naming those records by their endpoint, and each day by what it has', async () => {
    const lake = newLake();
    await lake.process();
    await dropLogIdOf(lake, '2026-03-01');
    await stitchLake(await lake.lake(), lake.layout);
    assert.equal(await recordIdOfDevice(lake, 'dev-1'), 'auth POST /v1/auth/otp/verify');
    assert.match(String(await recordIdOfDevice(lake, 'dev-3')), /^raw\/api_logs\/dt=2026-03-02\/part-\d+\.jsonl:1$/);

    await dropLogIdOf(lake, '2026-03-02');
    await stitchLake(await lake.lake(), lake.layout);
    assert.equal(await recordIdOfDevice(lake, 'dev-3'), 'auth POST /v1/auth/otp/verify');
  });
});
