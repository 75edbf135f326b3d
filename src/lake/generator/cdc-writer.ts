import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import { finished } from 'node:stream/promises';
import { CDC_SOURCES, type CdcSource, type LakeLayout } from '../lake-layout';
import { type CdcChange, CDC_COLUMNS, type CdcRecord } from './cdc-model';
import { dayOf, dmsChangeFileName, HOUR, MINUTE, SECOND } from './clock';
import { brokenCsvLine, csvLine } from './csv';
import { DIRT_RATES, type DirtCounter } from './dirt';
import type { ExternalSorter } from './external-sort';
import type { GenerationWindow } from './generation-window';
import type { Rng, SeedSpace } from './prng';

// DMS writes one full-load file per table when the task starts, then a change file per batch
// interval, each in commit order. Users are simulated one at a time, so rows reach this writer in
// user order; an external sort puts them into file and commit order with bounded memory.

export const FULL_LOAD_FILE = 'LOAD00000001.csv';

const CDC_DIRT_KINDS = ['update', 'delete', 'junk_identifier', 'same_file_double_update', 'tie_in_later_file', 'late_change', 'malformed_row'] as const;
export const CDC_DIRT: readonly string[] = CDC_SOURCES.flatMap((table) => CDC_DIRT_KINDS.map((kind) => `${table}_${kind}`));

/** A change row counts as late when its file was written this long after its updated_at. */
export const LATE_CHANGE_AFTER = 12 * HOUR;

/** DMS's batch interval here: one change file per table per hour that had changes. */
const BATCH = HOUR;

const LOAD = 'A';
const CHANGE = 'B';

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

function parseDmsTime(text: string): number {
  return Date.parse(`${text.replace(' ', 'T')}Z`);
}

interface Placed {
  readonly file: number;
  readonly op: CdcChange['op'] | 'load';
  readonly updatedAt: string;
}

export class CdcWriter {
  private seq = 0;
  private readonly rows: Record<CdcSource, number> = { orders: 0, lab_bookings: 0, consultations: 0 };
  private fileCount = 0;

  constructor(
    private readonly layout: LakeLayout,
    private readonly window: GenerationWindow,
    private readonly seeds: SeedSpace,
    private readonly sorter: ExternalSorter,
    private readonly dirt: DirtCounter,
  ) {}

  /** When the change file holding a row that reached DMS at `landing` was written. */
  private fileTime(table: CdcSource, landing: number): number {
    const batch = Math.floor(landing / BATCH);
    return (batch + 1) * BATCH + 2 * SECOND + (this.seeds.word(`dms-file-${table}`, batch) % (57 * SECOND));
  }

  private landing(rng: Rng, change: CdcChange): number {
    if (change.landing === 'late') return change.commitAt + Math.round(rng.between(26 * HOUR, 50 * HOUR));
    if (change.landing === 'nextFile') return (Math.floor(change.commitAt / BATCH) + 1) * BATCH + rng.int(MINUTE, 30 * MINUTE);
    return change.commitAt + rng.int(SECOND, 45 * SECOND);
  }

  route(rng: Rng, userIndex: number, record: CdcRecord): void {
    const { table } = record;
    const tableIndex = CDC_SOURCES.indexOf(table);
    const updatedAtColumn = CDC_COLUMNS[table].length - 1;
    let loadRow: readonly string[] | undefined;
    const placed: Placed[] = [];
    for (const change of record.changes) {
      if (change.commitAt < this.window.snapshot) {
        loadRow = change.op === 'D' ? undefined : change.row;
        continue;
      }
      const file = this.fileTime(table, this.landing(rng, change));
      if (file >= this.window.end) continue;
      const fields = [change.op, ...change.row];
      const key = `${tableIndex}${CHANGE}${pad(file, 13)}${pad(change.commitAt, 13)}${pad(userIndex, 10)}`;
      if (rng.chance(DIRT_RATES.malformedCsvRow)) {
        this.sorter.add(`${key}${pad(this.seq++, 10)}\t${brokenCsvLine(fields)}`);
        this.dirt.add(`${table}_malformed_row`);
      }
      this.sorter.add(`${key}${pad(this.seq++, 10)}\t${csvLine(fields)}`);
      placed.push({ file, op: change.op, updatedAt: change.row[updatedAtColumn] });
    }
    if (loadRow) {
      this.sorter.add(`${tableIndex}${LOAD}${record.key}\t${csvLine(loadRow)}`);
      placed.unshift({ file: this.window.snapshot - 1, op: 'load', updatedAt: loadRow[updatedAtColumn] });
    }
    this.count(table, record, placed);
  }

  /** Counts what a reader of the files will find, from where this record's rows actually landed. */
  private count(table: CdcSource, record: CdcRecord, placed: readonly Placed[]): void {
    if (placed.length === 0) return;
    if (record.junk) this.dirt.add(`${table}_junk_identifier`);
    const updatesPerFile = new Map<number, number>();
    for (const row of placed) {
      if (row.op === 'U') {
        this.dirt.add(`${table}_update`);
        updatesPerFile.set(row.file, (updatesPerFile.get(row.file) ?? 0) + 1);
        if (placed.some((earlier) => earlier.file < row.file && earlier.updatedAt === row.updatedAt)) this.dirt.add(`${table}_tie_in_later_file`);
      }
      if (row.op === 'D') this.dirt.add(`${table}_delete`);
      if ((row.op === 'I' || row.op === 'U') && row.file - parseDmsTime(row.updatedAt) >= LATE_CHANGE_AFTER) this.dirt.add(`${table}_late_change`);
    }
    for (const updates of updatesPerFile.values()) if (updates >= 2) this.dirt.add(`${table}_same_file_double_update`);
  }

  async spillIfFull(): Promise<void> {
    await this.sorter.spillIfFull();
  }

  get files(): number {
    return this.fileCount;
  }

  get rowCounts(): Readonly<Record<CdcSource, number>> {
    return this.rows;
  }

  /** Drains the sorter into the table files; every table gets a full-load file, empty or not. */
  async write(): Promise<void> {
    const loaded = new Set<CdcSource>();
    let current: { id: string; stream: WriteStream; table: CdcSource } | undefined;
    let pending: string[] = [];
    const flush = async (): Promise<void> => {
      if (!current || pending.length === 0) return;
      const chunk = pending.join('');
      pending = [];
      if (!current.stream.write(chunk)) await once(current.stream, 'drain');
    };
    const close = async (): Promise<void> => {
      await flush();
      if (!current) return;
      current.stream.end();
      await finished(current.stream);
      current = undefined;
    };
    for await (const line of this.sorter.sorted()) {
      const tab = line.indexOf('\t');
      const table = CDC_SOURCES[Number(line[0])];
      const isLoad = line[1] === LOAD;
      const id = isLoad ? `${line[0]}${LOAD}` : line.slice(0, 15);
      if (current?.id !== id) {
        await close();
        const stream = await this.open(table, isLoad ? undefined : Number(line.slice(2, 15)));
        current = { id, stream, table };
        if (isLoad) loaded.add(table);
      }
      pending.push(line.slice(tab + 1), '\n');
      this.rows[table]++;
      if (pending.length >= 8192) await flush();
    }
    await close();
    for (const table of CDC_SOURCES) {
      if (loaded.has(table)) continue;
      const stream = await this.open(table, undefined);
      stream.end();
      await finished(stream);
    }
  }

  /** Opens a table file and writes its header: full loads have no Op column, change files lead with it. */
  private async open(table: CdcSource, changeFileTime: number | undefined): Promise<WriteStream> {
    const day = changeFileTime === undefined ? this.window.fromDay : dayOf(changeFileTime);
    const dir = this.layout.rawPartition(table, day);
    await mkdir(dir, { recursive: true });
    const name = changeFileTime === undefined ? FULL_LOAD_FILE : dmsChangeFileName(changeFileTime);
    const stream = createWriteStream(path.join(dir, name));
    const columns = CDC_COLUMNS[table].join(',');
    stream.write(changeFileTime === undefined ? `${columns}\n` : `Op,${columns}\n`);
    this.fileCount++;
    return stream;
  }
}
