/** RFC 4180: quote a field only when it holds a comma, a quote or a line break. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function csvLine(fields: readonly string[]): string {
  return fields.map(csvField).join(',');
}

/**
 * The row a buggy exporter writes: a field holding a comma goes out unquoted (one column too many),
 * or, if there is none, the last field is lost (one too few).
 */
export function brokenCsvLine(fields: readonly string[]): string {
  if (fields.some((f) => f.includes(','))) return fields.join(',');
  return csvLine(fields.slice(0, -1));
}
