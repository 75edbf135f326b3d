import type { FeatureDefinition, FeatureValueType } from '../feature-definition';
import { baseCtes } from './base-ctes.sql';
import { customerActivitySql } from './customer-activity.sql';
import { customerCareSql } from './customer-care.sql';
import { customerOrdersSql } from './customer-orders.sql';
import { customerRfmSql } from './customer-rfm.sql';
import type { FeatureDialect } from './feature-dialect';
import { timestampLiteral } from './as-of';
import type { FeatureSqlContext, ViewSql } from './feature-sql-context';

/** Columns of the feature table besides the features. */
export const ENTITY_COLUMN = 'customer_id';
export const EVENT_TIMESTAMP_COLUMN = 'event_timestamp';

/** The SQL type a feature is stored as in the features zone (timestamps stay typed there; online they are ISO text). */
export function featureSqlType(type: FeatureValueType, dialect: FeatureDialect): string {
  switch (type) {
    case 'int':
      return 'BIGINT';
    case 'float':
      return 'DOUBLE';
    case 'string':
      return 'VARCHAR';
    case 'bool':
      return 'BOOLEAN';
    case 'timestamp':
      return 'TIMESTAMP';
    case 'string_list':
      return dialect.stringList;
  }
}

/** Every view's SQL; RFM reads the orders view's aggregate, so it comes after it. */
export function viewSqls(context: FeatureSqlContext): ViewSql[] {
  return [customerOrdersSql(context), customerRfmSql(context), customerActivitySql(context), customerCareSql(context)];
}

/**
 * The feature table as of the end of D: one row per customer of the identity map (so a customer
 * whose orders were all cancelled or deleted gets zeros, replacing yesterday's values online),
 * one typed column per registered feature, and the as-of instant as `event_timestamp`.
 */
export function featureTableSql(context: FeatureSqlContext, features: readonly FeatureDefinition[]): string {
  const views = viewSqls(context);
  const columns = new Map<string, string>(views.flatMap((view) => Object.entries(view.columns)));
  const missing = features.filter((feature) => !columns.has(feature.name)).map((feature) => feature.name);
  const unregistered = [...columns.keys()].filter((name) => !features.some((feature) => feature.name === name));
  if (missing.length > 0 || unregistered.length > 0) {
    throw new Error(`feature SQL and registry disagree: no SQL for [${missing.join(', ')}], not registered [${unregistered.join(', ')}]`);
  }
  const ctes = [...baseCtes(context), ['population', `SELECT DISTINCT customer_id FROM ${context.sources.identityMap} WHERE customer_id IS NOT NULL`], ...views.flatMap((view) => view.ctes)];
  const joins = views.flatMap((view) => view.joins).map((name) => `LEFT JOIN ${name} ON ${name}.customer_id = population.customer_id`);
  const selected = features.map((feature) => `CAST(${columns.get(feature.name)} AS ${featureSqlType(feature.type, context.dialect)}) AS ${feature.name}`);
  return `WITH ${ctes.map(([name, body]) => `${name} AS (\n      ${body}\n    )`).join(',\n    ')}
    SELECT population.customer_id AS ${ENTITY_COLUMN},
      ${selected.join(',\n      ')},
      ${timestampLiteral(context.asOf.eventTimeMs)} AS ${EVENT_TIMESTAMP_COLUMN}
    FROM population
    ${joins.join('\n    ')}`;
}
