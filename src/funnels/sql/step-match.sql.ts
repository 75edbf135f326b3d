import type { PropertyFilter } from '../funnel-definition';
import { PLATFORM_PROPERTY } from '../funnel-validation';
import type { FunnelDialect } from './funnel-dialect';
import type { SqlParams } from './sql-params';

/** Event properties the processed zone already holds as columns; reading them skips JSON parsing. */
const EVENT_COLUMNS: Readonly<Record<string, string>> = {
  [PLATFORM_PROPERTY]: 'os_name',
  promotion_id: 'promotion_id',
  order_id: 'order_id',
};

/** Order columns a filter may name; validation admits no others, so these are the only identifiers used. */
const ORDER_COLUMNS: Readonly<Record<string, string>> = { vertical: 'vertical', currency: 'currency' };

function eventFilter(filter: PropertyFilter, alias: string, params: SqlParams, dialect: FunnelDialect): string {
  const column = EVENT_COLUMNS[filter.property];
  // Validated property names are plain identifiers; the path is bound all the same.
  const value = column ? `${alias}.${column}` : dialect.jsonText(`${alias}.properties`, params.bind(`$.${filter.property}`));
  return `${value} = ${params.bind(filter.equals)}`;
}

/**
 * Whether a clickstream row is the given event with every filter true. The filters sit in a CASE
 * so JSON is parsed only for rows of that event.
 */
export function eventMatchSql(
  step: { event: string; filters: readonly PropertyFilter[] },
  alias: string,
  params: SqlParams,
  dialect: FunnelDialect,
): string {
  const isEvent = `${alias}.event = ${params.bind(step.event)}`;
  if (step.filters.length === 0) return `coalesce(${isEvent}, false)`;
  const filters = step.filters.map((filter) => eventFilter(filter, alias, params, dialect)).join(' AND ');
  return `CASE WHEN ${isEvent} THEN coalesce(${filters}, false) ELSE false END`;
}

/** An order step's filters on the orders table, `true` when there are none. */
export function orderFiltersSql(filters: readonly PropertyFilter[], alias: string, params: SqlParams): string {
  if (filters.length === 0) return 'true';
  return filters
    .map((filter) => {
      const column = ORDER_COLUMNS[filter.property];
      if (!column) throw new Error(`unvalidated order filter property ${filter.property}`);
      return `${alias}.${column} = ${params.bind(filter.equals)}`;
    })
    .join(' AND ');
}
