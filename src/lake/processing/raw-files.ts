import { existsSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { isDay, type LakeLayout, type RawSource } from '../lake-layout';

/** One landed file of a raw source, with its place in the order every merge rule relies on. */
export interface RawFile {
  /** Position in the source's file order (landed day, then full-load before change files, then name). */
  seq: number;
  path: string;
  /** Path relative to the lake root, as quarantine records name it. */
  relativePath: string;
  landedDay: string;
  name: string;
  /** DMS full-load files (`LOAD*.csv`) hold a table's initial state and carry no `Op` column. */
  fullLoad: boolean;
  bytes: number;
}

/** A file the source cannot read (a compressed export, say): reported, never silently skipped. */
export interface UnreadableFile {
  relativePath: string;
  landedDay: string;
  reason: string;
}

const ACCEPTED: Record<'csv' | 'jsonl', RegExp> = {
  csv: /\.csv$/i,
  jsonl: /\.(jsonl|json|ndjson)$/i,
};

/** Hidden and underscore files are writers' in-progress files and markers (_SUCCESS), by the usual convention. */
function isMarker(name: string): boolean {
  return name.startsWith('.') || name.startsWith('_');
}

/** Code-unit order, not locale order: the same on every machine. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Lists a source's landed files in merge order. Anything unexpected is returned as unreadable. */
export interface RawListing {
  files: RawFile[];
  /** Files inside a landed-day partition that the source cannot read; they are quarantined as whole files. */
  unreadable: UnreadableFile[];
  /** Entries beside the `dt=` partitions, which have no landed day to quarantine them under; they are logged. */
  strays: string[];
}

export function listRawFiles(layout: LakeLayout, source: RawSource, format: 'csv' | 'jsonl'): RawListing {
  const sourceDir = path.join(layout.zone('raw'), source);
  const found: Omit<RawFile, 'seq'>[] = [];
  const unreadable: UnreadableFile[] = [];
  const strays: string[] = [];
  if (!existsSync(sourceDir)) return { files: [], unreadable, strays };
  for (const partition of readdirSync(sourceDir, { withFileTypes: true })) {
    if (isMarker(partition.name)) continue;
    const landedDay = partition.name.startsWith('dt=') ? partition.name.slice(3) : '';
    if (!partition.isDirectory() || !isDay(landedDay)) {
      strays.push(`raw/${source}/${partition.name}`);
      continue;
    }
    for (const entry of readdirSync(path.join(sourceDir, partition.name), { withFileTypes: true })) {
      if (isMarker(entry.name)) continue;
      const relativePath = `raw/${source}/${partition.name}/${entry.name}`;
      if (!entry.isFile() || !ACCEPTED[format].test(entry.name)) {
        unreadable.push({ relativePath, landedDay, reason: 'unsupported_file' });
        continue;
      }
      const filePath = path.join(sourceDir, partition.name, entry.name);
      found.push({
        path: filePath,
        relativePath,
        landedDay,
        name: entry.name,
        fullLoad: format === 'csv' && /^LOAD/i.test(entry.name),
        bytes: statSync(filePath).size,
      });
    }
  }
  found.sort(
    (a, b) =>
      compareText(a.landedDay, b.landedDay) || Number(b.fullLoad) - Number(a.fullLoad) || compareText(a.name, b.name),
  );
  unreadable.sort((a, b) => compareText(a.relativePath, b.relativePath));
  return { files: found.map((file, index) => ({ ...file, seq: index + 1 })), unreadable, strays: strays.sort(compareText) };
}

/** Groups files into batches of about `maxBytes`, in order, so one batch's lines fit in memory. */
export function batchFiles<T extends { bytes: number }>(files: readonly T[], maxBytes: number): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let size = 0;
  for (const file of files) {
    if (current.length > 0 && size + file.bytes > maxBytes) {
      batches.push(current);
      current = [];
      size = 0;
    }
    current.push(file);
    size += file.bytes;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
