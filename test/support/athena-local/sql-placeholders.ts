/**
 * Finds the `?` placeholders of a statement, skipping those inside string literals, quoted
 * identifiers and comments (where Athena does not treat `?` as a parameter either).
 */
export function placeholderPositions(sql: string): number[] {
  const positions: number[] = [];
  let index = 0;
  while (index < sql.length) {
    const char = sql[index];
    const next = sql[index + 1];
    if (char === "'" || char === '"') {
      index = closingQuote(sql, index, char) + 1;
    } else if (char === '-' && next === '-') {
      const end = sql.indexOf('\n', index);
      index = end === -1 ? sql.length : end + 1;
    } else if (char === '/' && next === '*') {
      const end = sql.indexOf('*/', index + 2);
      index = end === -1 ? sql.length : end + 2;
    } else {
      if (char === '?') positions.push(index);
      index++;
    }
  }
  return positions;
}

/** Index of the quote closing the literal opened at `start`; a doubled quote is an escaped one. */
function closingQuote(sql: string, start: number, quote: string): number {
  let index = start + 1;
  while (index < sql.length) {
    if (sql[index] === quote) {
      if (sql[index + 1] !== quote) return index;
      index += 2;
    } else {
      index++;
    }
  }
  return sql.length;
}

/**
 * Puts each execution parameter (already a SQL literal, as Athena requires) into its `?`. Athena
 * binds parameters as expressions, not text, so a leading minus is parenthesized: `1-?` must not
 * become the comment `1--5`.
 */
export function substitutePlaceholders(sql: string, parameters: readonly string[]): string {
  const positions = placeholderPositions(sql);
  if (positions.length !== parameters.length) {
    throw new Error(`Incorrect number of parameters: expected ${positions.length} but found ${parameters.length}`);
  }
  let result = '';
  let from = 0;
  positions.forEach((position, index) => {
    const parameter = parameters[index] ?? 'NULL';
    result += sql.slice(from, position) + (parameter.trimStart().startsWith('-') ? `(${parameter})` : parameter);
    from = position + 1;
  });
  return result + sql.slice(from);
}
