import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../../src/config/load-config';
import { openIdentityDeps, openIdentityLake, type OpenedIdentityLake } from '../../../src/identity/batch/open-stitch-deps';
import type { LakeEngine } from '../../../src/lake/lake-engine.port';
import { silentLogger } from '../../../src/shared/logger.port';

/** DuckDB's own reading of its memory limit (it rounds to one decimal of a binary unit: 2000MB is "1.8 GiB"). */
async function memoryLimitOf(engine: LakeEngine): Promise<string> {
  const [row] = await engine.query(`SELECT current_setting('memory_limit') AS limit_text`);
  return String(row?.limit_text);
}

async function limitWhileOpen(opened: OpenedIdentityLake): Promise<string> {
  try {
    return await memoryLimitOf(opened.engine);
  } finally {
    await opened.close();
  }
}

describe('the lake engine a stitch opens', () => {
  let home: string;
  before(() => {
    home = mkdtempSync(path.join(os.tmpdir(), 'c360-stitch-deps-'));
  });
  after(() => rmSync(home, { recursive: true, force: true }));

  const config = (env: Record<string, string> = {}) => loadConfig({ C360_HOME: home, ...env });

  it("runs DuckDB under the stitch's own 2000MB limit by default, while other commands keep the engine-wide 4GB", async () => {
    assert.equal(await limitWhileOpen(await openIdentityDeps(config(), silentLogger)), '1.8 GiB');
    assert.equal(await limitWhileOpen(await openIdentityLake(config())), '3.7 GiB');
  });

  it('keeps a smaller engine-wide limit: a stitch never gets more memory than DuckDB was given', async () => {
    assert.equal(await limitWhileOpen(await openIdentityDeps(config({ C360_DUCKDB_MEMORY_LIMIT: '1GB' }), silentLogger)), '953.6 MiB');
  });

  it('takes C360_IDENTITY_STITCH_MEMORY_LIMIT as set, for a machine with memory to spare', async () => {
    assert.equal(await limitWhileOpen(await openIdentityDeps(config({ C360_IDENTITY_STITCH_MEMORY_LIMIT: '6GiB', C360_DUCKDB_MEMORY_LIMIT: '1GB' }), silentLogger)), '6.0 GiB');
  });
});
