import { mkdirSync } from 'node:fs';
import { sqlString } from '../lake-relation';
import { segmentFile, type InvalidLine, type Segment } from './line-segmenter';
import type { RawFile } from './raw-files';
import type { Workspace } from './workspace';

/** DuckDB holds a file as one VARCHAR (max 4 GB, three copies while splitting); larger files are cut first. */
export const MAX_DIRECT_FILE_BYTES = 256 * 1024 * 1024;

/**
 * Reads a batch of raw files into the run table `lines(file_seq, line_no, text)`, one row per line
 * with its exact 1-based number. Lines are split on LF only (a trailing CR is dropped), so the
 * numbers match `sed -n Np` on the raw file. read_text is used rather than read_csv because the
 * CSV sniffer treats a lone CR as a line end and would shift every later line number.
 * Returns the lines that are not UTF-8 (already removed from `lines`), for quarantine.
 */
export async function loadLines(workspace: Workspace, files: readonly RawFile[], batch: number): Promise<InvalidLine[]> {
  const segments: Segment[] = [];
  const invalid: InvalidLine[] = [];
  for (const file of files) {
    if (file.bytes <= MAX_DIRECT_FILE_BYTES) {
      segments.push({ path: file.path, fileSeq: file.seq, firstLine: 1 });
    } else {
      const cut = await segmentLocally(workspace, file, batch);
      segments.push(...cut.segments);
      invalid.push(...cut.invalid);
    }
  }
  try {
    await readSegments(workspace, segments);
  } catch (error) {
    if (!isEncodingError(error)) throw error;
    // Some file is not valid UTF-8 (read_text refuses the whole file); re-cut the batch line by line in Node.
    segments.length = 0;
    invalid.length = 0;
    for (const file of files) {
      const cut = await segmentLocally(workspace, file, batch);
      segments.push(...cut.segments);
      invalid.push(...cut.invalid);
    }
    await readSegments(workspace, segments);
  }
  if (invalid.length > 0) await removeLines(workspace, invalid);
  return invalid;
}

async function segmentLocally(workspace: Workspace, file: RawFile, batch: number) {
  const dir = workspace.path('segments', `batch-${batch}`);
  mkdirSync(dir, { recursive: true });
  workspace.logger.info('lake.process: reading a file line by line (large or not UTF-8)', { file: file.relativePath, bytes: file.bytes });
  return segmentFile(file.path, file.seq, dir, MAX_DIRECT_FILE_BYTES);
}

function isEncodingError(error: unknown): boolean {
  return error instanceof Error && /UTF-8|unicode|encoding/i.test(error.message);
}

async function readSegments(workspace: Workspace, segments: readonly Segment[]): Promise<void> {
  const lines = workspace.table('lines');
  const segmentTable = workspace.table('segments');
  if (segments.length === 0) {
    await workspace.engine.execute(`CREATE OR REPLACE TABLE ${lines} (file_seq INTEGER, line_no BIGINT, text VARCHAR)`);
    return;
  }
  const rows = segments.map((s) => `(${sqlString(s.path)}, ${s.fileSeq}, ${s.firstLine})`).join(',\n');
  await workspace.engine.execute(`CREATE OR REPLACE TABLE ${segmentTable} AS SELECT * FROM (VALUES ${rows}) AS t(path, file_seq, first_line)`);
  const paths = segments.map((s) => sqlString(s.path)).join(', ');
  await workspace.engine.execute(
    `CREATE OR REPLACE TABLE ${lines} AS
     SELECT g.file_seq::INTEGER AS file_seq, (g.first_line + t.n - 1)::BIGINT AS line_no,
       -- rtrim copies every string; only CRLF lines need it
       CASE WHEN suffix(t.line, chr(13)) THEN rtrim(t.line, chr(13)) ELSE t.line END AS text
     FROM (
       SELECT filename, unnest(parts) AS line, generate_subscripts(parts, 1) AS n, len(parts) AS total
       FROM (SELECT filename, string_split(content, chr(10)) AS parts FROM read_text([${paths}]))
     ) AS t
     JOIN ${segmentTable} AS g ON g.path = t.filename
     -- the empty piece after a file's final newline is not a line
     WHERE NOT (t.n = t.total AND t.line = '')`,
  );
}

async function removeLines(workspace: Workspace, invalid: readonly InvalidLine[]): Promise<void> {
  for (let start = 0; start < invalid.length; start += 500) {
    const chunk = invalid.slice(start, start + 500);
    await workspace.engine.execute(
      `DELETE FROM ${workspace.table('lines')} WHERE (file_seq, line_no) IN (${chunk.map(() => '(?, ?)').join(', ')})`,
      chunk.flatMap((line) => [line.fileSeq, line.line]),
    );
  }
}
