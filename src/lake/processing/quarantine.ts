import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import type { RawSource } from '../lake-layout';
import { sqlString } from '../lake-relation';
import { boundsPredicate, withinBounds, type DayBounds } from './day-range';
import type { InvalidLine } from './line-segmenter';
import { existingPartitionDays, type PartitionSwap } from './partitions';
import type { RawFile, UnreadableFile } from './raw-files';
import type { Workspace } from './workspace';

/**
 * Bad lines are kept, with why, under `quarantine/<source>/dt=<landed day>/quarantine.jsonl`:
 * one JSON object per line `{source_file, line, reason, detail, text}`. Reasons are stable codes
 * (`invalid_json`, `missing_field:messageId`, …) so they can be counted and alerted on.
 */
export const QUARANTINE_FILE = 'quarantine.jsonl';

export async function createQuarantineTable(workspace: Workspace): Promise<void> {
  await workspace.engine.execute(
    `CREATE TABLE ${workspace.table('quarantine')} (
       source VARCHAR, file_seq INTEGER, landed_day VARCHAR, source_file VARCHAR,
       line BIGINT, reason VARCHAR, detail VARCHAR, text VARCHAR)`,
  );
}

/** The run table describing a source's files (file_seq, relative_path, landed_day, full_load), so SQL can name a line's file and landed day. */
export function filesTable(workspace: Workspace, source: RawSource): string {
  return workspace.table(`files_${source}`);
}

/** Creates and fills filesTable. */
export async function createFilesTable(workspace: Workspace, source: RawSource, files: readonly RawFile[]): Promise<string> {
  const table = filesTable(workspace, source);
  await workspace.engine.execute(`CREATE TABLE ${table} (file_seq INTEGER, relative_path VARCHAR, landed_day VARCHAR, full_load BOOLEAN)`);
  for (let start = 0; start < files.length; start += 500) {
    const rows = files
      .slice(start, start + 500)
      .map((f) => `(${f.seq}, ${sqlString(f.relativePath)}, ${sqlString(f.landedDay)}, ${f.fullLoad})`)
      .join(', ');
    await workspace.engine.execute(`INSERT INTO ${table} VALUES ${rows}`);
  }
  return table;
}

/**
 * Copies the rows of a staged batch that carry a `reason` into quarantine (landed days in `bounds`
 * only), with their original text from the run's `lines` table: bad lines are few, so the stage
 * need not carry every line's text.
 */
export async function quarantineStagedBatch(workspace: Workspace, source: RawSource, batchFile: string, bounds: DayBounds): Promise<void> {
  await workspace.engine.execute(
    `INSERT INTO ${workspace.table('quarantine')}
     SELECT ${sqlString(source)}, p.file_seq, f.landed_day, f.relative_path, p.line_no, p.reason, p.detail, l.text
     FROM read_parquet(${sqlString(batchFile)}) AS p
     JOIN ${workspace.table('lines')} AS l USING (file_seq, line_no)
     JOIN ${filesTable(workspace, source)} AS f USING (file_seq)
     WHERE p.reason IS NOT NULL AND ${boundsPredicate('f.landed_day', bounds)}`,
  );
}

/** Lines Node found not to be UTF-8 (DuckDB cannot hold them as text). */
export async function quarantineInvalidLines(
  workspace: Workspace,
  source: RawSource,
  files: readonly RawFile[],
  lines: readonly InvalidLine[],
  bounds: DayBounds,
): Promise<void> {
  const bySeq = new Map(files.map((file) => [file.seq, file]));
  const rows = lines.flatMap((line) => {
    const file = bySeq.get(line.fileSeq);
    return file && withinBounds(file.landedDay, bounds)
      ? [[source, file.seq, file.landedDay, file.relativePath, line.line, 'invalid_utf8', 'the line is not UTF-8 text; invalid bytes shown as U+FFFD', line.text]]
      : [];
  });
  await insertRows(workspace, rows);
}

/** Whole files the source cannot read; line 0 stands for "the file". */
export async function quarantineUnreadableFiles(workspace: Workspace, source: RawSource, files: readonly UnreadableFile[], bounds: DayBounds): Promise<void> {
  const rows = files
    .filter((file) => withinBounds(file.landedDay, bounds))
    .map((file) => [source, 0, file.landedDay, file.relativePath, 0, file.reason, 'the file was not read', '']);
  await insertRows(workspace, rows);
}

async function insertRows(workspace: Workspace, rows: ReadonlyArray<ReadonlyArray<string | number>>): Promise<void> {
  for (let start = 0; start < rows.length; start += 200) {
    const chunk = rows.slice(start, start + 200);
    await workspace.engine.execute(
      `INSERT INTO ${workspace.table('quarantine')} VALUES ${chunk.map(() => '(?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
      chunk.flat(),
    );
  }
}

/** source → reason → count, over what this run quarantined. */
export async function quarantineCounts(workspace: Workspace): Promise<Record<string, Record<string, number>>> {
  const rows = await workspace.engine.query(
    `SELECT source, reason, count(*) AS n FROM ${workspace.table('quarantine')} GROUP BY ALL ORDER BY source, reason`,
  );
  const counts: Record<string, Record<string, number>> = {};
  for (const row of rows) {
    const source = String(row.source);
    (counts[source] ??= {})[String(row.reason)] = Number(row.n);
  }
  return counts;
}

/**
 * Stages one source's quarantine partitions for the landed days in `bounds`: a day with bad lines
 * gets a fresh file (ordered by file then line, so reruns write the same bytes); a day without
 * any loses its old partition, since those lines now parse or are gone from the raw zone.
 */
export async function stageQuarantine(workspace: Workspace, source: RawSource, landedDays: readonly string[], bounds: DayBounds): Promise<PartitionSwap[]> {
  const existing = existingPartitionDays(workspace.layout.zone('quarantine'), source);
  const days = new Set([...landedDays, ...existing].filter((day) => withinBounds(day, bounds)));
  const swaps: PartitionSwap[] = [];
  for (const day of [...days].sort()) {
    const staged = workspace.path('quarantine', source, `dt=${day}`, QUARANTINE_FILE);
    const [row] = await workspace.engine.query(
      `SELECT count(*) AS n FROM ${workspace.table('quarantine')} WHERE source = ? AND landed_day = ?`,
      [source, day],
    );
    if (Number(row?.n ?? 0) > 0) {
      mkdirSync(path.dirname(staged), { recursive: true });
      await workspace.engine.execute(
        `COPY (
           SELECT source_file, line, reason, detail, text FROM ${workspace.table('quarantine')}
           WHERE source = ${sqlString(source)} AND landed_day = ${sqlString(day)}
           ORDER BY file_seq, line, reason
         ) TO ${sqlString(staged)} (FORMAT json)`,
      );
    }
    swaps.push({ target: workspace.layout.quarantinePartition(source, day), staged: Number(row?.n ?? 0) > 0 ? staged : undefined, fileName: QUARANTINE_FILE });
  }
  return swaps;
}
