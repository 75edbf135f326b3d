import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';

// Reads a generated raw zone back the way a consumer would, independently of the generator's code.

export interface RawFile {
  source: string;
  day: string;
  name: string;
  path: string;
}

/** Files of a source in merge order: landed day, then the full load, then by name. */
export function rawFiles(root: string, source: string): RawFile[] {
  const dir = path.join(root, 'raw', source);
  const files: RawFile[] = [];
  for (const partition of readdirSync(dir).sort()) {
    for (const name of readdirSync(path.join(dir, partition))) {
      files.push({ source, day: partition.replace(/^dt=/, ''), name, path: path.join(dir, partition, name) });
    }
  }
  const isLoad = (f: RawFile): number => (f.name.startsWith('LOAD') ? 0 : 1);
  return files.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : isLoad(a) - isLoad(b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)));
}

function walk(dir: string, base: string, out: string[]): void {
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) walk(full, base, out);
    else out.push(path.relative(base, full));
  }
}

/** One digest over every file's relative path and bytes. */
export function treeDigest(root: string): string {
  const files: string[] = [];
  walk(root, root, files);
  const hash = createHash('sha256');
  for (const file of files.sort()) {
    hash.update(file).update('\0').update(readFileSync(path.join(root, file))).update('\0');
  }
  return hash.digest('hex');
}

export function listTree(root: string): string[] {
  const files: string[] = [];
  walk(root, root, files);
  return files.sort();
}

function lines(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const all = text.split('\n');
  if (all[all.length - 1] === '') all.pop();
  return all;
}

export interface JsonLine {
  file: RawFile;
  text: string;
  /** Undefined when the line is not valid JSON (a malformed line). */
  value: Record<string, unknown> | undefined;
}

export function jsonLines(root: string, source: string): JsonLine[] {
  const out: JsonLine[] = [];
  for (const file of rawFiles(root, source)) {
    for (const text of lines(file.path)) {
      let value: Record<string, unknown> | undefined;
      try {
        value = JSON.parse(text) as Record<string, unknown>;
      } catch {
        value = undefined;
      }
      out.push({ file, text, value });
    }
  }
  return out;
}

/** RFC 4180 for one physical line (our fields never hold line breaks). Undefined on a stray quote. */
export function parseCsvLine(line: string): string[] | undefined {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        if (i >= line.length) return undefined;
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            value += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += line[i++];
      }
      fields.push(value);
      if (i === line.length) return fields;
      if (line[i] !== ',') return undefined;
      i++;
    } else {
      const comma = line.indexOf(',', i);
      const value = comma < 0 ? line.slice(i) : line.slice(i, comma);
      if (value.includes('"')) return undefined;
      fields.push(value);
      if (comma < 0) return fields;
      i = comma + 1;
    }
  }
}

export interface CsvFile {
  file: RawFile;
  header: string[];
  /** Rows with as many fields as the header, as objects. */
  rows: Record<string, string>[];
  /** Rows with the wrong number of fields. */
  malformed: number;
}

export function csvFiles(root: string, source: string): CsvFile[] {
  return rawFiles(root, source).map((file) => {
    const [head, ...body] = lines(file.path);
    const header = parseCsvLine(head) ?? [];
    const rows: Record<string, string>[] = [];
    let malformed = 0;
    for (const line of body) {
      const fields = parseCsvLine(line);
      if (!fields || fields.length !== header.length) {
        malformed++;
        continue;
      }
      rows.push(Object.fromEntries(header.map((name, i) => [name, fields[i]])));
    }
    return { file, header, rows, malformed };
  });
}

/** The placeholder identifiers DESIGN.md calls junk. */
export const JUNK = new Set(['null', '0', 'undefined', '00000000-0000-0000-0000-000000000000', 'test@test.com', '']);

export function isJunk(value: unknown): boolean {
  return typeof value === 'string' && JUNK.has(value.trim());
}

/** `obj.a.b.c` for a dotted path, or undefined. */
export function at(value: unknown, dotted: string): unknown {
  let current: unknown = value;
  for (const key of dotted.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

export function ms(iso: unknown): number {
  return typeof iso === 'string' ? Date.parse(iso) : NaN;
}

/** DMS `YYYY-MM-DD HH:MM:SS` (UTC) to epoch ms. */
export function dmsMs(text: string): number {
  return Date.parse(`${text.replace(' ', 'T')}Z`);
}

/** `20261102-101500123.csv` to epoch ms. */
export function changeFileMs(name: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})(\d{3})\.csv$/.exec(name);
  if (!m) return NaN;
  return Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}.${m[7]}Z`);
}
