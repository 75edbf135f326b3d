import type { LakeEngine, LakeRow } from '../../lake/lake-engine.port';
import type { LakeLayout } from '../../lake/lake-layout';
import { DomainError } from '../../shared/domain-error';
import { assertOneStitch, hasIdentityTable, identityRelation, IDENTITY_TABLES } from '../identity-tables';
import { IdentityAuditSql } from './identity-audit.sql';
import { maskIdentifierValue } from './mask-identifier';

export interface IdentityAuditOptions {
  /** Rows per list. */
  top: number;
  /** Show phones and emails as they are (operators only, on purpose). */
  revealPii: boolean;
}

export interface AuditedIdentifier {
  type: string;
  value: string;
  /** Its customer, or null when it is on no customer (never: every stitched identifier has one). */
  customerId: string | null;
}

/**
 * What `c360 identity audit` prints, after RudderStack's `pb audit id_stitcher`: how identifiers
 * spread over customers, the largest customers (a giant one is the mark of a bad link), the most
 * connected identifiers, and what the rules kept apart: blocked values and refused links.
 */
export interface IdentityAudit {
  /** The stitch that wrote the zone the report describes. */
  stitchId: string;
  summary: {
    identifiers: number;
    customers: number;
    singletons: number;
    averageIdentifiers: number;
    largest: number;
    edges: number;
    identifiersByType: Record<string, number>;
    edgesByStatus: Record<string, number>;
  };
  sizes: Array<{ identifiers: string; customers: number }>;
  largestCustomers: Array<{ customerId: string; identifiers: number; byType: Record<string, number> }>;
  mostConnected: Array<AuditedIdentifier & { links: number; linked: number; refused: number; records: number }>;
  refused: Array<AuditedIdentifier & { refused: number; statuses: string[] }>;
  blocked: {
    byReason: Record<string, { values: number; occurrences: number }>;
    top: Array<{ type: string; value: string; reason: string; occurrences: number }>;
  };
}

const num = (value: unknown): number => Number(value ?? 0);
const str = (value: unknown): string => String(value);

export async function auditIdentity(engine: LakeEngine, layout: LakeLayout, options: IdentityAuditOptions): Promise<IdentityAudit> {
  const missing = IDENTITY_TABLES.filter((table) => !hasIdentityTable(layout, table));
  if (missing.length > 0) throw new DomainError('NOT_FOUND', `the identity zone has no ${missing.join(', ')}: run \`c360 identity stitch\` first`);
  const stitchId = await assertOneStitch(engine, layout);
  const sql = new IdentityAuditSql(
    identityRelation(engine, layout, 'identity_map'),
    identityRelation(engine, layout, 'identity_edges'),
    identityRelation(engine, layout, 'identity_blocked'),
  );
  const shown = (type: unknown, value: unknown): string => (options.revealPii ? str(value) : maskIdentifierValue(str(type), str(value)));
  const identifier = (row: LakeRow): AuditedIdentifier => ({ type: str(row.type), value: shown(row.type, row.value), customerId: row.customer_id === null ? null : str(row.customer_id) });

  const [totals] = await engine.query(sql.totals());
  const largest: IdentityAudit['largestCustomers'] = [];
  for (const row of await engine.query(sql.largestCustomers(options.top))) {
    let customer = largest.at(-1);
    if (customer?.customerId !== str(row.customer_id)) {
      customer = { customerId: str(row.customer_id), identifiers: num(row.identifiers), byType: {} };
      largest.push(customer);
    }
    customer.byType[str(row.type)] = num(row.count);
  }
  const blockedTotals = await engine.query(sql.blockedTotals());
  const identifiers = num(totals?.identifiers);
  const customers = num(totals?.customers);
  const audit: IdentityAudit = {
    stitchId,
    summary: {
      identifiers,
      customers,
      singletons: num(totals?.singletons),
      averageIdentifiers: customers === 0 ? 0 : Math.round((identifiers / customers) * 100) / 100,
      largest: num(totals?.largest),
      edges: num(totals?.edges),
      identifiersByType: Object.fromEntries((await engine.query(sql.identifiersByType())).map((row) => [str(row.type), num(row.identifiers)])),
      edgesByStatus: Object.fromEntries((await engine.query(sql.edgesByStatus())).map((row) => [str(row.status), num(row.edges)])),
    },
    sizes: (await engine.query(sql.sizeHistogram())).map((row) => ({ identifiers: str(row.bucket), customers: num(row.customers) })),
    largestCustomers: largest,
    mostConnected: (await engine.query(sql.mostConnected(options.top))).map((row) => ({
      ...identifier(row),
      links: num(row.links),
      linked: num(row.linked),
      refused: num(row.refused),
      records: num(row.records),
    })),
    refused: (await engine.query(sql.mostRefused(options.top))).map((row) => ({
      ...identifier(row),
      refused: num(row.refused),
      statuses: Array.isArray(row.statuses) ? row.statuses.map(str) : [],
    })),
    blocked: {
      byReason: Object.fromEntries(blockedTotals.map((row) => [str(row.reason), { values: num(row.values), occurrences: num(row.occurrences) }])),
      top: (await engine.query(sql.blockedValues(options.top))).map((row) => ({ type: str(row.type), value: shown(row.type, row.value), reason: str(row.reason), occurrences: num(row.occurrences) })),
    },
  };
  // Each query reads the files again: a stitch that renamed them in meanwhile would have paired one stitch's edge keys with another's map.
  if ((await assertOneStitch(engine, layout)) !== stitchId) throw new DomainError('CONFLICT', 'a stitch rewrote the identity zone while the audit read it: run the audit again');
  return audit;
}
