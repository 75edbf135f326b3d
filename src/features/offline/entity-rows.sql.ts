import { extname } from 'node:path';
import { existsSync } from 'node:fs';
import type { LakeEngine } from '../../lake/lake-engine.port';
import { relationColumnNames, sqlString } from '../../lake/lake-relation';
import { FeaturesException, FeaturesExceptionCode } from '../features.exception';

/** Accepted spellings of the two entity columns (Feast's entity_df uses event_timestamp). */
const CUSTOMER_COLUMNS = ['customer_id', 'customerId'];
const TIME_COLUMNS = ['timestamp', 'event_timestamp', 'ts'];

function bad(file: string, message: string): FeaturesException {
  return new FeaturesException(FeaturesExceptionCode.BAD_ENTITIES_FILE, `${file}: ${message}`);
}

/** CSV with a header row, or JSON lines (.jsonl, .ndjson, .json); all read as text, typed below. */
function readerSql(file: string): string {
  const extension = extname(file).toLowerCase();
  if (['.jsonl', '.ndjson', '.json'].includes(extension)) {
    return `read_json(${sqlString(file)}, format = 'newline_delimited', records = true)`;
  }
  return `read_csv(${sqlString(file)}, header = true, all_varchar = true)`;
}

/**
 * Loads the entity rows of a `features history` request into a DuckDB table `table` with
 * columns row_no (input order), customer_id (text), ts (UTC TIMESTAMP). Times may carry any
 * offset (`2026-11-20T10:00:00+05:30`) or none (read as UTC); a row whose time does not parse is
 * an error naming its line, not a silently dropped training example.
 */
export async function loadEntityRows(engine: LakeEngine, file: string, table: string): Promise<number> {
  if (!existsSync(file)) throw bad(file, 'no such file');
  let names: string[];
  try {
    names = await relationColumnNames(engine, readerSql(file));
  } catch (error) {
    throw bad(file, `cannot be read as CSV with a header or as JSON lines (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`);
  }
  const customer = CUSTOMER_COLUMNS.find((name) => names.includes(name));
  const time = TIME_COLUMNS.find((name) => names.includes(name));
  if (!customer || !time) throw bad(file, `needs a customer_id column and a timestamp column (found: ${names.join(', ') || 'none'})`);
  await engine.execute(
    `CREATE OR REPLACE TABLE ${table} AS
     SELECT row_number() OVER () AS row_no, CAST("${customer}" AS VARCHAR) AS customer_id, CAST("${time}" AS VARCHAR) AS ts_text,
       timezone('UTC', try_cast(CAST("${time}" AS VARCHAR) AS TIMESTAMPTZ)) AS ts
     FROM ${readerSql(file)}`,
  );
  const invalid = await engine.query(`SELECT row_no, ts_text FROM ${table} WHERE ts IS NULL OR customer_id IS NULL ORDER BY row_no LIMIT 5`);
  if (invalid.length > 0) {
    const shown = invalid.map((row) => `row ${String(row.row_no)} (timestamp ${JSON.stringify(row.ts_text)})`).join(', ');
    throw bad(file, `rows without a customer_id or a parseable timestamp: ${shown}`);
  }
  const [count] = await engine.query(`SELECT count(*) AS n FROM ${table}`);
  return Number(count?.n ?? 0);
}
