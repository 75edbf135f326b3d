import { DAY_MS } from '../funnel-definition';
import type { FunnelSqlContext } from './funnel-sql-context';
import { isExclusionLinked, isLinked, type Cte } from './funnel-sources.sql';

/**
 * The greedy chain from every entry: step j is the first candidate strictly after step j-1 and no
 * later than the entry plus the window. Taking the earliest candidate at each step never shortens
 * the chain, so each entry's level is the longest possible from it; the chosen unit entry comes later.
 */
interface Chain {
  ctes: Cte[];
  /** The CTE holding the finished chain. */
  last: string;
  /** Its columns, for engines that must GROUP BY them. */
  columns: string[];
}

function equalities(context: FunnelSqlContext, linked: boolean, onVertical: boolean): string {
  return [
    'c.cid = s.cid',
    ...(linked ? ['c.part = s.part'] : []),
    ...(onVertical ? ['c.bval = s.vertical'] : []),
  ].join(' AND ');
}

/**
 * Step `j`'s candidates, narrowed to customers who reached step `j - 1` in `from`: only their rows
 * can match, and most customers stop early, so the join sorts and probes far fewer rows.
 */
function candidates(j: number, from: string): string {
  return `(SELECT * FROM s${j} WHERE cid IN (SELECT cid FROM ${from} WHERE t${j - 1} IS NOT NULL))`;
}

/** Step `j` (1-based, ≥ 2) from CTE `from` with `columns`. */
function stepCte(context: FunnelSqlContext, j: number, from: string, columns: readonly string[]): { cte: Cte; columns: string[] } {
  const isOrder = context.spec.steps[j - 1]?.kind === 'order';
  const on = equalities(context, isLinked(context, j - 1), isOrder && context.byValue === 'vertical');
  const within = `s.t <= c.t1 + ${context.window}`;
  const previous = `c.t${j - 1}`;
  const added = [`t${j}`, ...(isOrder ? ['amount'] : [])];
  if (context.dialect.nextStep === 'asof') {
    // ASOF matches rows whose previous step is NULL as if NULL sorted first, so the match is
    // checked again here: a step exists only after an existing previous step.
    const matched = `${previous} IS NOT NULL AND s.t > ${previous} AND ${within}`;
    const amount = isOrder ? `, CASE WHEN ${matched} THEN s.amount END AS amount` : '';
    return {
      cte: [`c${j}`, `SELECT c.*, CASE WHEN ${matched} THEN s.t END AS t${j}${amount}
        FROM ${from} AS c ASOF LEFT JOIN ${candidates(j, from)} AS s ON ${on} AND s.t > ${previous}`],
      columns: [...columns, ...added],
    };
  }
  const kept = columns.map((column) => `c.${column}`).join(', ');
  const amount = isOrder ? ', min_by(s.amount, s.t) AS amount' : '';
  return {
    cte: [`c${j}`, `SELECT ${kept}, min(s.t) AS t${j}${amount}
      FROM ${from} AS c LEFT JOIN ${candidates(j, from)} AS s ON ${on} AND s.t > ${previous} AND ${within}
      GROUP BY ${kept}`],
    columns: [...columns, ...added],
  };
}

/** Drops step 2 when an exclusion event happens strictly between the entry and it. */
function exclusionCte(context: FunnelSqlContext, columns: readonly string[]): Cte {
  const others = columns.filter((column) => column !== 't2').map((column) => `c.${column}`);
  const link = isExclusionLinked(context) ? ' AND x.part = c.part' : '';
  if (context.dialect.nextStep === 'asof') {
    return ['c2x', `SELECT ${others.join(', ')}, CASE WHEN x.t < c.t2 THEN NULL ELSE c.t2 END AS t2
      FROM c2 AS c ASOF LEFT JOIN sx AS x ON x.cid = c.cid${link} AND x.t > c.t1`];
  }
  return ['c2x', `SELECT ${others.join(', ')},
      CASE WHEN EXISTS (SELECT 1 FROM sx AS x WHERE x.cid = c.cid${link} AND x.t > c.t1 AND x.t < c.t2) THEN NULL ELSE c.t2 END AS t2
    FROM c2 AS c`];
}

/**
 * Before the last step of a vertical breakdown, each entry is repeated once per breakdown value
 * of its unit: the verticals of the customer's orders in the unit's span (entry days plus the
 * window), or `''` when there are none. The order step then only matches that vertical.
 */
function verticalValueCtes(context: FunnelSqlContext, from: string, columns: readonly string[]): { ctes: Cte[]; last: string; columns: string[] } {
  const keys = ['cid', ...(context.byPart ? ['part'] : []), ...(context.byDay ? ['day'] : [])];
  const span = context.byDay ? ` AND o.t >= u.day * ${DAY_MS} AND o.t < (u.day + 1) * ${DAY_MS} + ${context.window}` : '';
  const joinOn = keys.map((key) => `v.${key} = u.${key}`).join(' AND ');
  const unitOn = keys.map((key) => `uv.${key} = c.${key}`).join(' AND ');
  return {
    ctes: [
      ['units', `SELECT DISTINCT ${keys.join(', ')} FROM s1`],
      ['vals', `SELECT DISTINCT ${keys.map((key) => `u.${key}`).join(', ')}, o.vertical AS bval FROM units AS u JOIN ord AS o ON o.cid = u.cid${span}`],
      ['uv', `SELECT ${keys.map((key) => `u.${key}`).join(', ')}, coalesce(v.bval, '') AS bval FROM units AS u LEFT JOIN vals AS v ON ${joinOn}`],
      ['cv', `SELECT c.*, uv.bval FROM ${from} AS c JOIN uv ON ${unitOn}`],
    ],
    last: 'cv',
    columns: [...columns, 'bval'],
  };
}

export function chainCtes(context: FunnelSqlContext): Chain {
  const ctes: Cte[] = [];
  let from = 's1';
  let columns = ['cid', 't1', ...(context.byPart ? ['part'] : []), ...(context.byDay ? ['day'] : []), ...(context.byValue === 'platform' ? ['bval'] : [])];
  const count = context.spec.steps.length;
  for (let j = 2; j <= count; j++) {
    if (j === count && context.byValue === 'vertical') {
      const values = verticalValueCtes(context, from, columns);
      ctes.push(...values.ctes);
      from = values.last;
      columns = values.columns;
    }
    const step = stepCte(context, j, from, columns);
    ctes.push(step.cte);
    from = `c${j}`;
    columns = step.columns;
    if (j === 2 && context.spec.exclusion) {
      ctes.push(exclusionCte(context, columns));
      from = 'c2x';
      columns = [...columns.filter((column) => column !== 't2'), 't2'];
    }
  }
  return { ctes, last: from, columns };
}
