import type { LakeValue } from '../../lake/lake-engine.port';

/** A statement ready for LakeEngine.query: `?` placeholders and their values in order. */
export interface BoundSql {
  sql: string;
  params: LakeValue[];
}

const TOKEN = /\{\{p(\d+)\}\}/g;

/**
 * Collects bound values while SQL is assembled from fragments in any order. `bind` returns a
 * token; `finish` turns tokens into `?` in the order they appear in the final text, so a fragment
 * may be reused or moved without the parameter list drifting out of step.
 */
export class SqlParams {
  private readonly values: LakeValue[] = [];

  bind(value: LakeValue): string {
    this.values.push(value);
    return `{{p${this.values.length - 1}}}`;
  }

  finish(sql: string): BoundSql {
    const params: LakeValue[] = [];
    const text = sql.replace(TOKEN, (_match, index: string) => {
      const value = this.values[Number(index)];
      if (value === undefined) throw new Error(`unbound SQL token p${index}`);
      params.push(value);
      return '?';
    });
    return { sql: text, params };
  }
}
