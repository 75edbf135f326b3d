/** A memory size as DuckDB reads one: `512MB`, `4GB`, `1.5 GiB`; units without an `i` are powers of 1000. */
export const MEMORY_SIZE_PATTERN = /^(\d+(?:\.\d+)?)\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i;

const UNIT_BYTES: Readonly<Record<string, number>> = {
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
};

/** Bytes in a size that matches MEMORY_SIZE_PATTERN (as DuckDB counts them: 2000MB is 1.86 GiB); NaN otherwise. */
export function memorySizeBytes(size: string): number {
  const match = MEMORY_SIZE_PATTERN.exec(size.trim());
  if (!match) return Number.NaN;
  return Number(match[1]) * (UNIT_BYTES[match[2].toLowerCase()] ?? Number.NaN);
}

/** The smaller of two sizes, as written. */
export function smallerMemorySize(a: string, b: string): string {
  return memorySizeBytes(b) < memorySizeBytes(a) ? b : a;
}
