import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import type { LakeEngine } from './lake-engine.port';
import { lakeRelation } from './lake-relation';
import type { LakeLayout } from './lake-layout';

export interface LakeTableStats {
  name: string;
  rows: number;
  partitions: number;
  firstDay: string | null;
  lastDay: string | null;
}

/** What the processed zone holds: each table with its row count and the event days it covers. */
export class LakeCatalog {
  constructor(
    private readonly engine: LakeEngine,
    private readonly layout: LakeLayout,
  ) {}

  tableNames(): string[] {
    const dir = this.layout.zone('processed');
    if (!existsSync(dir)) return [];
    return readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.') && !entry.name.startsWith('_'))
      .filter((entry) => readdirSync(path.join(dir, entry.name)).some((part) => part.startsWith('dt=')))
      .map((entry) => entry.name)
      .sort();
  }

  async processedTables(): Promise<LakeTableStats[]> {
    const stats: LakeTableStats[] = [];
    for (const name of this.tableNames()) {
      const [row] = await this.engine.query(
        `SELECT count(*) AS rows, count(DISTINCT dt) AS partitions, CAST(min(dt) AS VARCHAR) AS first_day, CAST(max(dt) AS VARCHAR) AS last_day
         FROM ${lakeRelation(this.engine, this.layout, 'processed', name)}`,
      );
      stats.push({
        name,
        rows: Number(row?.rows ?? 0),
        partitions: Number(row?.partitions ?? 0),
        firstDay: typeof row?.first_day === 'string' ? row.first_day : null,
        lastDay: typeof row?.last_day === 'string' ? row.last_day : null,
      });
    }
    return stats;
  }
}
