
/**
 * Lower case as DuckDB's lower() has it, so the stream and batch stitching compare the same text:
 * each character by its simple (one-to-one) mapping. JavaScript's toLowerCase() applies the
 * context-dependent and one-to-many mappings too: 'İ' becomes 'i' plus a combining dot (lower()
 * gives 'i'), and a word-final 'Σ' becomes 'ς' (lower() gives 'σ').
 */
export function lowerCaseIdentifier(text: string): string {
  // ASCII (nearly every identifier) maps one to one.
  if (!/[^\p{ASCII}]/u.test(text)) return text.toLowerCase();
  let lowered = '';
  for (const char of text) {
    const mapped = char.toLowerCase();
    // Only U+0130 lower-cases to more than one character without a locale: its simple mapping is 'i'.
    lowered += mapped.length > char.length ? String.fromCodePoint(mapped.codePointAt(0) as number) : mapped;
  }
  return lowered;
}
