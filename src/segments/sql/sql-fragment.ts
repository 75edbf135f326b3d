import type { LakeValue } from '../../lake/lake-engine.port';

/**
 * SQL text with its bound parameters, kept together so a fragment's `?`s and values can never
 * drift apart. Values from a definition enter only through the `sql` tag as parameters; `raw` is
 * for text c360 itself wrote (column names from the registry, computed literals).
 */
export class SqlFragment {
  constructor(
    readonly text: string,
    readonly params: readonly LakeValue[] = [],
  ) {}
}

export function raw(text: string): SqlFragment {
  return new SqlFragment(text);
}

/** `sql\`a = ${value}\``: each interpolated value becomes `?` and a parameter; fragments are spliced in. */
export function sql(strings: TemplateStringsArray, ...values: ReadonlyArray<SqlFragment | LakeValue>): SqlFragment {
  let text = strings[0] ?? '';
  const params: LakeValue[] = [];
  values.forEach((value, index) => {
    if (value instanceof SqlFragment) {
      text += value.text;
      params.push(...value.params);
    } else {
      text += '?';
      params.push(value);
    }
    text += strings[index + 1] ?? '';
  });
  return new SqlFragment(text, params);
}

export function joinSql(parts: readonly SqlFragment[], separator: string): SqlFragment {
  return new SqlFragment(
    parts.map((part) => part.text).join(separator),
    parts.flatMap((part) => part.params),
  );
}

/** `(?, ?, ?)` for a list of values. */
export function valueList(values: readonly LakeValue[]): SqlFragment {
  return new SqlFragment(`(${values.map(() => '?').join(', ')})`, values);
}
