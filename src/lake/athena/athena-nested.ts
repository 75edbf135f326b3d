import type { LakeValue } from '../lake-engine.port';

// A number as Trino prints one: no `+`, no leading zeros, so `+91…` phones and `007` codes stay text.
const CANONICAL_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:E[+-]?\d+)?$/;
const CANONICAL_INTEGER = /^-?(?:0|[1-9]\d*)$/;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);

/**
 * Parses Athena's display form of an array, map or row (`[1, 2]`, `{k=v}`, `{a=1, b=x}`) into
 * arrays and objects. Athena sends only the bare type name (`array`, `row`) and prints strings
 * unquoted, so this is best effort: scalars are inferred (null, true/false, canonical numbers,
 * otherwise text), a varchar that looks like a number comes back as a number, and a string holding
 * `, ` `=` `[` or `{` can split wrongly. When the shape does not parse, the raw text is returned.
 * Exact nested values: `CAST(col AS JSON)` in the SQL, which arrives as a parsed `json` column.
 */
export function parseNested(text: string, kind: 'array' | 'map' | 'row'): LakeValue {
  const open = kind === 'array' ? '[' : '{';
  if (!text.startsWith(open) || !balanced(text)) return text;
  return element(text);
}

function element(text: string): LakeValue {
  if (text.startsWith('[') && text.endsWith(']')) return splitTopLevel(text.slice(1, -1)).map(element);
  if (text.startsWith('{') && text.endsWith('}')) {
    const entries = splitTopLevel(text.slice(1, -1));
    if (entries.every((entry) => topLevelIndexOf(entry, '=') > 0)) {
      const result: { [key: string]: LakeValue } = {};
      for (const entry of entries) {
        const at = topLevelIndexOf(entry, '=');
        result[entry.slice(0, at)] = element(entry.slice(at + 1));
      }
      return result;
    }
  }
  return scalar(text);
}

function scalar(text: string): LakeValue {
  if (text === 'null') return null;
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (CANONICAL_INTEGER.test(text)) {
    const value = BigInt(text);
    return value >= MIN_SAFE && value <= MAX_SAFE ? Number(value) : value;
  }
  return CANONICAL_NUMBER.test(text) ? Number(text) : text;
}

/** Splits on the `, ` separators that are not inside brackets or braces; `''` is no items. */
function splitTopLevel(inner: string): string[] {
  if (inner === '') return [];
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let index = 0; index < inner.length; index++) {
    const char = inner[index];
    if (char === '[' || char === '{') depth++;
    else if (char === ']' || char === '}') depth--;
    else if (depth === 0 && char === ',' && inner[index + 1] === ' ') {
      parts.push(inner.slice(start, index));
      start = index + 2;
      index++;
    }
  }
  parts.push(inner.slice(start));
  return parts;
}

function topLevelIndexOf(entry: string, wanted: string): number {
  let depth = 0;
  for (let index = 0; index < entry.length; index++) {
    const char = entry[index];
    if (char === '[' || char === '{') depth++;
    else if (char === ']' || char === '}') depth--;
    else if (depth === 0 && char === wanted) return index;
  }
  return -1;
}

/** Brackets and braces close in order and the first closes last; otherwise it is not one display value. */
function balanced(text: string): boolean {
  const stack: string[] = [];
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (char === '[' || char === '{') stack.push(char === '[' ? ']' : '}');
    else if (char === ']' || char === '}') {
      if (stack.pop() !== char) return false;
      if (stack.length === 0 && index !== text.length - 1) return false;
    }
  }
  return stack.length === 0;
}
