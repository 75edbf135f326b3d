import type { CheckedCondition } from '../definition/segment-condition';
import { BehaviourColumns, type BehaviourStrategy } from './behaviour.sql';
import { consentCte } from './consent.sql';
import { predicateSql } from './segment-predicate.sql';
import type { SegmentSqlContext } from './segment-sql-context';
import { joinSql, raw, sql, type SqlFragment } from './sql-fragment';

/**
 * One or more definitions over the same day, compiled to share their scans: `ctes` (behaviour and
 * consent) go in the WITH clause, `from` joins them to the feature table `f`, and each definition
 * becomes a predicate over that row. Consent is separate (`optedOut`), so a preview can say how
 * many matched but were left out; every membership query must apply it.
 */
export interface CompiledSegments {
  ctes: SqlFragment;
  from: string;
  predicates: SqlFragment[];
  /** True for a customer who refused advertising. */
  optedOut: string;
}

/** `strategy` overrides how behaviour is counted (benchmarks compare them); by default it follows the number of behaviours. */
export function compileSegments(definitions: readonly CheckedCondition[], context: SegmentSqlContext, strategy?: BehaviourStrategy): CompiledSegments {
  const behaviours = new BehaviourColumns();
  // Predicates first: they number the behaviour columns the CTEs then compute.
  const predicates = definitions.map((definition) => predicateSql(definition, context, behaviours));
  const ctes = [...behaviours.ctes(context, strategy), consentCte(context)];
  const joins = [`${context.sources.features} AS f`, 'LEFT JOIN consent ON consent.customer_id = f.customer_id'];
  if (behaviours.size > 0) joins.push('LEFT JOIN beh ON beh.customer_id = f.customer_id');
  return { ctes: joinSql(ctes, ',\n    '), from: joins.join('\n    '), predicates, optedOut: 'coalesce(consent.opted_out, false)' };
}

/** The members of one definition as of the context's day: customer_id, consent applied. */
export function membersSql(definition: CheckedCondition, context: SegmentSqlContext): SqlFragment {
  const compiled = compileSegments([definition], context);
  return sql`WITH ${compiled.ctes}
    SELECT f.customer_id FROM ${raw(compiled.from)}
    WHERE ${compiled.predicates[0] as SqlFragment} AND NOT ${raw(compiled.optedOut)}`;
}
