import type { EventStep } from '../funnel-definition';
import { dayNumberSql, type FunnelSqlContext } from './funnel-sql-context';
import { eventCustomerCtes, identifiersCte, orderCustomerJoin } from './identity-map.sql';
import { eventMatchSql, orderFiltersSql } from './step-match.sql';

export type Cte = readonly [name: string, body: string];

function dayText(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function eventSteps(context: FunnelSqlContext): Array<{ index: number; step: EventStep }> {
  return context.spec.steps.flatMap((step, index) => (step.kind === 'event' ? [{ index, step }] : []));
}

/**
 * `ev`: clickstream rows matching some step (or the exclusion) between the first entry and the
 * scan's end, with their stitched customer, epoch-ms time and one match flag per step (`m1`…) and
 * exclusion (`mx`). The day and time predicates let DuckDB skip whole files, the event filter row
 * groups of the stitched clickstream (sorted by event). From the stitched clickstream the customer
 * is a column; otherwise rows are narrowed to matches before the identity joins, the costly part.
 */
function eventsCtes(context: FunnelSqlContext): Cte[] {
  const { params, dialect, spec } = context;
  const flags: Array<readonly [string, string]> = eventSteps(context).map(({ index, step }) => [`m${index + 1}`, eventMatchSql(step, 'e', params, dialect)] as const);
  if (spec.exclusion) flags.push(['mx', eventMatchSql(spec.exclusion, 'e', params, dialect)]);
  const names = [...new Set([...eventSteps(context).map(({ step }) => step.event), ...(spec.exclusion ? [spec.exclusion.event] : [])])];
  const columns = ['t', 'os', 'promo', ...flags.map(([name]) => name)];
  const stitched = context.sources.stitchedClickstream;
  const select = (relation: string, customer: string, event: string) => `SELECT ${customer}, ${dialect.epochMs('e.event_time')} AS t, coalesce(e.os_name, '') AS os, e.promotion_id AS promo,
        ${flags.map(([name, match]) => `${match} AS ${name}`).join(',\n        ')}
      FROM ${relation} AS e
      WHERE ${dialect.dayBetween('e.dt', params.bind(spec.from), params.bind(dayText(context.scanEndMs - 1)))}
        AND ${event}
        AND e.event_time >= ${params.bind(new Date(context.fromMs))} AND e.event_time < ${params.bind(new Date(context.scanEndMs))}`;
  // The stitched clickstream is sorted by event: an equality per event lets each scan read only that
  // event's row groups, where one IN list is checked against row groups as a min-max range only.
  const raw: Cte = [
    'raw',
    stitched === undefined
      ? select(context.sources.clickstream, 'e.user_id, e.anonymous_id', `e.event IN (${names.map((name) => params.bind(name)).join(', ')})`)
      : names.map((name) => select(stitched, 'e.customer_id AS cid', `e.event = ${params.bind(name)}`)).join('\n      UNION ALL\n      '),
  ];
  const matched = flags.map(([name]) => name).join(' OR ');
  if (stitched !== undefined) return [raw, ['ev', `SELECT cid, ${columns.join(', ')} FROM raw WHERE ${matched}`]];
  return [raw, ['hit', `SELECT * FROM raw WHERE ${matched}`], ...eventCustomerCtes('ids', 'hit', columns)];
}

/**
 * `ord`: orders placed in the scan, neither cancelled nor deleted (deleted rows are absent from the
 * processed zone), with their customer. A missing status counts as placed.
 */
function ordersCte(context: FunnelSqlContext): Cte {
  const { params, dialect, spec } = context;
  const last = spec.steps[spec.steps.length - 1];
  const { joins, customer } = orderCustomerJoin('ids', 'o');
  return [
    'ord',
    `SELECT ${customer} AS cid, ${dialect.epochMs('o.created_at')} AS t, o.order_id, o.total_amount AS amount, coalesce(o.vertical, '') AS vertical
      FROM ${context.sources.orders} AS o
      ${joins}
      WHERE ${dialect.dayBetween('o.dt', params.bind(spec.from), params.bind(dayText(context.scanEndMs - 1)))}
        AND o.created_at >= ${params.bind(new Date(context.fromMs))} AND o.created_at < ${params.bind(new Date(context.scanEndMs))}
        AND (o.status IS NULL OR lower(o.status) <> 'cancelled')
        AND ${orderFiltersSql(last?.kind === 'order' ? last.filters : [], 'o', params)}`,
  ];
}

/** `s1`: entries, one row per distinct (customer, time, unit attributes), inside the entry days. */
function entriesCte(context: FunnelSqlContext): Cte {
  const { params } = context;
  const columns = [
    'cid',
    't AS t1',
    ...(context.byPart ? ['promo AS part'] : []),
    ...(context.byDay ? [`${dayNumberSql('t')} AS day`] : []),
    ...(context.byValue === 'platform' ? ['os AS bval'] : []),
  ];
  return [
    's1',
    `SELECT DISTINCT ${columns.join(', ')} FROM ev
      WHERE m1 ${context.byPart ? 'AND promo IS NOT NULL' : ''}
        AND t >= ${params.bind(context.fromMs)} AND t < ${params.bind(context.toEndMs)}`,
  ];
}

/** Candidates for a later event step (or the exclusion): distinct (customer, time[, promotion]). */
function candidatesCte(name: string, flag: string, linked: boolean): Cte {
  const columns = ['cid', 't', ...(linked ? ['promo AS part'] : [])];
  return [name, `SELECT DISTINCT ${columns.join(', ')} FROM ev WHERE ${flag} ${linked ? 'AND promo IS NOT NULL' : ''}`];
}

/**
 * Candidates for the order step: one row per (customer[, vertical], time). Orders placed in the
 * same instant collapse to the one with the smallest order_id, so the revenue of a conversion is
 * always the same order's total.
 */
function orderCandidatesCte(name: string, byVertical: boolean): Cte {
  const keys = ['cid', ...(byVertical ? ['vertical'] : []), 't'];
  return [name, `SELECT ${keys.join(', ')}, min_by(amount, order_id) AS amount FROM ord GROUP BY ${keys.join(', ')}`];
}

/** Whether step `index` (0-based) must carry the entry's promotion. */
export function isLinked(context: FunnelSqlContext, index: number): boolean {
  const step = context.spec.steps[index];
  return context.byPart && step?.kind === 'event' && step.sameAsEntry === 'promotion_id';
}

export function isExclusionLinked(context: FunnelSqlContext): boolean {
  return context.byPart && context.spec.exclusion?.sameAsEntry === 'promotion_id';
}

/** Every CTE the chain reads: identifiers (for orders, and events unless stitched), events, orders, entries and per-step candidates. */
export function sourceCtes(context: FunnelSqlContext): Cte[] {
  const needsIds = context.endsWithOrder || context.sources.stitchedClickstream === undefined;
  const ctes: Cte[] = [...(needsIds ? [['ids', identifiersCte(context.sources.identityMap)] as const] : []), ...eventsCtes(context)];
  if (context.endsWithOrder) ctes.push(ordersCte(context));
  ctes.push(entriesCte(context));
  context.spec.steps.forEach((step, index) => {
    if (index === 0) return;
    const name = `s${index + 1}`;
    if (step.kind === 'order') ctes.push(orderCandidatesCte(name, context.byValue === 'vertical'));
    else ctes.push(candidatesCte(name, `m${index + 1}`, isLinked(context, index)));
  });
  if (context.spec.exclusion) ctes.push(candidatesCte('sx', 'mx', isExclusionLinked(context)));
  return ctes;
}
