import type { FeatureDefinition } from '../../features/feature-definition';
import type { CheckedCondition, CheckedTest } from '../definition/segment-condition';
import { COMPARISON_SQL, type BehaviourColumns } from './behaviour.sql';
import type { SegmentSqlContext } from './segment-sql-context';
import { joinSql, raw, sql, valueList, type SqlFragment } from './sql-fragment';

/** Timestamps are epoch ms after checking; they bind as TIMESTAMPs. */
function operand(feature: FeatureDefinition, value: number | string | boolean): number | string | boolean | Date {
  return feature.type === 'timestamp' && typeof value === 'number' ? new Date(value) : value;
}

/** One feature test over `f.<feature>`. Every test is two-valued: a missing value makes it false, not NULL. */
function featureTestSql(feature: FeatureDefinition, test: CheckedTest, context: SegmentSqlContext): SqlFragment {
  // The name comes from the registry, which admits only lower snake case.
  const column = `f.${feature.name}`;
  const isList = feature.type === 'string_list';
  let body: SqlFragment;
  switch (test.op) {
    case 'exists':
      return raw(isList ? `coalesce(${context.dialect.listNotEmpty(column)}, false)` : `(${column} IS NOT NULL)`);
    case 'contains':
      body = context.dialect.listContains(column, test.value);
      break;
    case 'within_last_days':
      body = sql`${raw(column)} >= ${new Date(context.windowStartMs(test.days))}`;
      break;
    case 'between':
      body = sql`${raw(column)} BETWEEN ${operand(feature, test.min)} AND ${operand(feature, test.max)}`;
      break;
    case 'in':
      body = sql`${raw(column)} IN ${valueList(test.values)}`;
      break;
    case 'not_in':
      body = sql`${raw(column)} NOT IN ${valueList(test.values)}`;
      break;
    default:
      body = sql`${raw(column)} ${raw(COMPARISON_SQL[test.op])} ${operand(feature, test.value)}`;
  }
  return sql`coalesce(${body}, false)`;
}

/**
 * A checked definition as a SQL predicate over `f` (the feature table) and `beh` (behaviour
 * counts), two-valued at every leaf so NOT means what marketing means by it.
 */
export function predicateSql(condition: CheckedCondition, context: SegmentSqlContext, behaviours: BehaviourColumns): SqlFragment {
  switch (condition.kind) {
    case 'all':
    case 'any': {
      const parts = condition.conditions.map((child) => predicateSql(child, context, behaviours));
      return sql`(${joinSql(parts, condition.kind === 'all' ? ' AND ' : ' OR ')})`;
    }
    case 'not':
      return sql`(NOT ${predicateSql(condition.condition, context, behaviours)})`;
    case 'segment':
      return predicateSql(condition.condition, context, behaviours);
    case 'feature':
      return featureTestSql(condition.feature, condition.test, context);
    case 'behaviour':
      return sql`(coalesce(beh.${raw(behaviours.column(condition))}, 0) >= ${condition.atLeast})`;
  }
}
