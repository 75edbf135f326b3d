import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { segmentFile } from '../../../src/lake/processing/line-segmenter';
import { batchFiles, listRawFiles } from '../../../src/lake/processing/raw-files';
import { withLake } from './test-lake';

describe('raw file order and reading', () => {
  it('orders files by landed day, then full load before change files, then name', async () => {
    await withLake(async (lake) => {
      lake.write('orders', '2026-03-02', '20260302-000000000.csv', ['x']);
      lake.write('orders', '2026-03-01', '20260301-235959000.csv', ['x']);
      lake.write('orders', '2026-03-01', 'LOAD00000002.csv', ['x']);
      lake.write('orders', '2026-03-01', 'LOAD00000001.csv', ['x']);
      lake.write('orders', '2026-03-01', '_SUCCESS', ['']);
      const { files } = listRawFiles(lake.layout, 'orders', 'csv');
      assert.deepEqual(
        files.map((f) => [f.seq, f.relativePath, f.fullLoad]),
        [
          [1, 'raw/orders/dt=2026-03-01/LOAD00000001.csv', true],
          [2, 'raw/orders/dt=2026-03-01/LOAD00000002.csv', true],
          [3, 'raw/orders/dt=2026-03-01/20260301-235959000.csv', false],
          [4, 'raw/orders/dt=2026-03-02/20260302-000000000.csv', false],
        ],
      );
    });
  });

  it('batches files in order without splitting one', () => {
    const sizes = [5, 5, 12, 1, 1].map((bytes, index) => ({ bytes, index }));
    assert.deepEqual(
      batchFiles(sizes, 10).map((batch) => batch.map((file) => file.index)),
      [[0, 1], [2], [3, 4]],
    );
  });

  it('cuts a large file into segments at line ends, keeping the original line numbers', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'c360-segments-'));
    try {
      const file = path.join(dir, 'raw.jsonl');
      writeFileSync(file, Buffer.concat([Buffer.from('aaaa\nbbbb\n'), Buffer.from([0xc3, 0x28]), Buffer.from('\ncccc\r\ndddd')]));
      const { segments, invalid } = await segmentFile(file, 7, dir, 8);
      assert.deepEqual(
        segments.map((s) => [s.fileSeq, s.firstLine, readFileSync(s.path, 'utf8')]),
        [
          [7, 1, 'aaaa\nbbbb\n'],
          [7, 3, '\ncccc\r\ndddd\n'],
        ],
      );
      assert.deepEqual(invalid, [{ fileSeq: 7, line: 3, text: '\uFFFD(' }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
