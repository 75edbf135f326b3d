import { strict as assert } from 'node:assert';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { silentLogger } from '../../../src/shared/logger.port';
import { generateLake } from '../../../src/lake/generator/generate-lake';
import { LakeGeneratorError } from '../../../src/lake/generator/generator.error';
import { freshRoot, generate, removeGenerated } from './fixture';
import { listTree, rawFiles, treeDigest } from './raw-zone-reader';

const OPTIONS = { users: 400, days: 7, seed: 11 };

describe('lake generate: determinism', () => {
  after(removeGenerated);

  it('writes byte-identical files and the same summary for the same options', async () => {
    const first = await generate(OPTIONS);
    const second = await generate(OPTIONS);
    assert.equal(treeDigest(first.root), treeDigest(second.root));
    assert.deepEqual({ ...first.summary, root: '' }, { ...second.summary, root: '' });
    assert.ok(listTree(first.root).length > 20, 'expected a raw zone with many files');
  });

  it('writes different data for a different seed', async () => {
    const a = await generate(OPTIONS);
    const b = await generate({ ...OPTIONS, seed: 12 });
    assert.notEqual(treeDigest(a.root), treeDigest(b.root));
    const firstDay = (root: string): string => readFileSync(rawFiles(root, 'clickstream')[0].path, 'utf8');
    assert.notEqual(firstDay(a.root), firstDay(b.root));
  });

  it('produces the same files whether CDC rows are sorted in memory or spilled to disk and merged', async () => {
    const inMemory = await generate(OPTIONS);
    const spilled = await generate(OPTIONS, { sortBudgetChars: 4_000, rollBytes: 256 * 1024 * 1024 });
    assert.equal(treeDigest(spilled.root), treeDigest(inMemory.root));
  });

  it('rolls a large day into part files that concatenate to the single file', async () => {
    const single = await generate(OPTIONS);
    const rolled = await generate(OPTIONS, { sortBudgetChars: 48 * 1024 * 1024, rollBytes: 16 * 1024 });
    const byDay = (root: string): Map<string, string> => {
      const days = new Map<string, string>();
      for (const file of rawFiles(root, 'clickstream')) days.set(file.day, (days.get(file.day) ?? '') + readFileSync(file.path, 'utf8'));
      return days;
    };
    assert.ok(rawFiles(rolled.root, 'clickstream').some((f) => f.name === 'part-00001.jsonl'), 'expected at least one rolled part');
    assert.deepEqual(byDay(rolled.root), byDay(single.root));
    assert.equal(rolled.summary.files > single.summary.files, true);
  });

  it('refuses to write into a raw zone that already holds files', async () => {
    const root = freshRoot();
    mkdirSync(path.join(root, 'raw', 'orders', 'dt=2026-01-01'), { recursive: true });
    writeFileSync(path.join(root, 'raw', 'orders', 'dt=2026-01-01', 'LOAD00000001.csv'), 'order_id\n');
    await assert.rejects(generateLake({ root, ...OPTIONS }, silentLogger), (error: unknown) => error instanceof LakeGeneratorError && error.code === 'RAW_ZONE_NOT_EMPTY');
  });

  it('rejects impossible options with a message naming the option', async () => {
    const root = freshRoot();
    for (const [bad, name] of [
      [{ users: 0 }, 'users'],
      [{ days: 1.5 }, 'days'],
      [{ seed: Number.NaN }, 'seed'],
      [{ endDay: '2026-02-30' }, 'endDay'],
    ] as const) {
      await assert.rejects(generateLake({ root, ...OPTIONS, ...bad }, silentLogger), (error: unknown) => error instanceof LakeGeneratorError && error.message.startsWith(name));
    }
  });
});
