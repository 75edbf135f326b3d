import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { LakeLayout } from '../../lake/lake-layout';
import { identityTableFile } from '../identity-tables';

/** What identifies one version of a file: a rewrite (new file renamed in) changes its size or mtime. */
export interface FileStamp {
  size: number;
  mtimeMs: number;
}

/**
 * Written beside the stitched clickstream: the exact inputs it was built from. A reader compares
 * them with the lake as it is now; any difference (a new stitch, a re-processed day) makes the
 * table stale, and stale tables are never read.
 */
export interface StitchedClickstreamManifest {
  version: 1;
  builtAt: string;
  identityMap: FileStamp;
  /** Every processed clickstream file read, by path relative to the table folder (`dt=…/file.parquet`). */
  clickstream: Record<string, FileStamp>;
  rows: number;
  partitions: number;
}

export const MANIFEST_FILE = '_manifest.json';

export function stampOf(file: string): FileStamp | undefined {
  try {
    const stat = statSync(file);
    return { size: stat.size, mtimeMs: stat.mtimeMs };
  } catch {
    return undefined;
  }
}

export function identityMapStamp(layout: LakeLayout): FileStamp | undefined {
  return stampOf(identityTableFile(layout, 'identity_map'));
}

/** The processed clickstream's Parquet files as the lake relation globs them (`dt=*\/*.parquet`), stamped. */
export function clickstreamStamps(layout: LakeLayout): Record<string, FileStamp> {
  const table = layout.processedTable('clickstream');
  const stamps: Record<string, FileStamp> = {};
  if (!existsSync(table)) return stamps;
  for (const partition of readdirSync(table).filter((name) => name.startsWith('dt=')).sort()) {
    let files: string[];
    try {
      files = readdirSync(path.join(table, partition)).filter((name) => name.endsWith('.parquet')).sort();
    } catch {
      continue; // a partition removed while listing
    }
    for (const file of files) {
      const stamp = stampOf(path.join(table, partition, file));
      if (stamp) stamps[`${partition}/${file}`] = stamp;
    }
  }
  return stamps;
}

export function readManifest(file: string): StitchedClickstreamManifest | undefined {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<StitchedClickstreamManifest>;
    if (parsed.version !== 1 || !parsed.identityMap || !parsed.clickstream) return undefined;
    return parsed as StitchedClickstreamManifest;
  } catch {
    return undefined;
  }
}

function sameStamp(a: FileStamp | undefined, b: FileStamp | undefined): boolean {
  return a !== undefined && b !== undefined && a.size === b.size && a.mtimeMs === b.mtimeMs;
}

/** Whether the manifest's inputs are exactly the lake's current identity map and processed clickstream files. */
export function isFresh(manifest: StitchedClickstreamManifest, layout: LakeLayout): boolean {
  if (!sameStamp(manifest.identityMap, identityMapStamp(layout))) return false;
  const current = clickstreamStamps(layout);
  const built = Object.keys(manifest.clickstream);
  if (built.length !== Object.keys(current).length) return false;
  return built.every((file) => sameStamp(manifest.clickstream[file], current[file]));
}
