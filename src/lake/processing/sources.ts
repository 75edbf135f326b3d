import type { RawSource } from '../lake-layout';
import { DEFAULT_IDENTIFIER_RULES, planIdentifiers, type IdentifierRule } from './api-log-identifiers';
import { API_LOG_COLUMNS, apiLogShapesSql, apiLogsParseSelect, apiLogsSelectSql } from './api-logs.sql';
import { CDC_TABLES, type CdcTableSpec } from './cdc-tables';
import { cdcHeadersSql, cdcMergeSql, cdcParseSelect } from './cdc.sql';
import { CLICKSTREAM_COLUMNS, clickstreamDedupSql, clickstreamParseSelect, clickstreamSelectSql } from './clickstream.sql';
import type { DayBounds } from './day-range';
import type { TableOutput } from './partitions';
import { filesTable } from './quarantine';
import type { Workspace } from './workspace';

/** What processing needs to know about one raw source; the driver in process-lake does the rest. */
export interface SourceProcessor {
  source: RawSource;
  /** The processed-zone table it feeds. */
  table: string;
  format: 'csv' | 'jsonl';
  /** Creates the run tables the source keeps across batches. */
  prepare(workspace: Workspace): Promise<void>;
  /** Runs before each batch is parsed, with the batch in the run's `lines` table. */
  beforeParse(workspace: Workspace): Promise<void>;
  /**
   * A query over the run's `lines` table giving one row per line: `file_seq`, `line_no`, `dt`,
   * the staged columns, and `reason`/`detail` (NULL for a usable line).
   */
  parseSelect(workspace: Workspace): string;
  /** The table's rows over the valid staged rows (`staged`, a relation), restricted to event days in `bounds`. */
  output(workspace: Workspace, staged: string, bounds: DayBounds): Promise<{ output: TableOutput; unknownKeys?: Array<{ key: string; count: number }> }>;
}

function cdcProcessor(spec: CdcTableSpec): SourceProcessor {
  const headers = (workspace: Workspace) => workspace.table(`headers_${spec.source}`);
  return {
    source: spec.source,
    table: spec.source,
    format: 'csv',
    async prepare(workspace) {
      await workspace.engine.execute(`CREATE TABLE ${headers(workspace)} (file_seq INTEGER, fields VARCHAR[])`);
    },
    async beforeParse(workspace) {
      await workspace.engine.execute(cdcHeadersSql(workspace.table('lines'), headers(workspace)));
    },
    parseSelect: (workspace) => cdcParseSelect(spec, workspace.table('lines'), headers(workspace)),
    async output(_workspace, staged, bounds) {
      return {
        output: {
          table: spec.source,
          select: cdcMergeSql(spec, staged, bounds),
          columns: spec.columns.map((c) => c.name),
          orderBy: `created_at, ${spec.primaryKey}`,
        },
      };
    },
  };
}

const clickstream: SourceProcessor = {
  source: 'clickstream',
  table: 'clickstream',
  format: 'jsonl',
  async prepare() {},
  async beforeParse() {},
  parseSelect: (workspace) => clickstreamParseSelect(workspace.table('lines')),
  async output(workspace, staged, bounds) {
    const losers = workspace.table('clickstream_duplicates');
    await workspace.engine.execute(clickstreamDedupSql(staged, losers));
    return {
      output: {
        table: 'clickstream',
        select: clickstreamSelectSql(staged, losers, bounds),
        columns: CLICKSTREAM_COLUMNS,
        orderBy: 'event_time, message_id',
      },
    };
  },
};

function apiLogsProcessor(rules: readonly IdentifierRule[]): SourceProcessor {
  return {
    source: 'api_logs',
    table: 'api_logs',
    format: 'jsonl',
    async prepare() {},
    async beforeParse() {},
    parseSelect: (workspace) => apiLogsParseSelect(workspace.table('lines')),
    async output(workspace, staged, bounds) {
      const shapes = await workspace.engine.query(apiLogShapesSql(staged, bounds));
      const plan = planIdentifiers(
        shapes.map((row) => ({ structure: String(row.structure), count: Number(row.count) })),
        rules,
      );
      workspace.logger.info('lake.process: api log shapes', { shapes: shapes.length, identifierPaths: plan.candidates.length, unknownKeys: plan.unknownKeys.length });
      return {
        output: {
          table: 'api_logs',
          select: apiLogsSelectSql(staged, filesTable(workspace, 'api_logs'), plan, bounds),
          columns: API_LOG_COLUMNS,
          // file and line make the order total: two requests may share a millisecond
          orderBy: 'event_time, file_seq, line_no',
        },
        unknownKeys: plan.unknownKeys,
      };
    },
  };
}

/** Every raw source, in the order they are processed. */
export function sourceProcessors(rules: readonly IdentifierRule[] = DEFAULT_IDENTIFIER_RULES): SourceProcessor[] {
  return [...CDC_TABLES.map(cdcProcessor), clickstream, apiLogsProcessor(rules)];
}
