import { identifierKey } from '../../../src/identity/identifier';
import { identityRelation, type IdentityTable } from '../../../src/identity/identity-tables';
import type { LakeEngine, LakeRow } from '../../../src/lake/lake-engine.port';
import type { LakeLayout } from '../../../src/lake/lake-layout';

/** The identity map as a test reads it: identifier key → customer, and customer → identifier keys. */
export interface IdentityMap {
  customerOf: ReadonlyMap<string, string>;
  members: ReadonlyMap<string, readonly string[]>;
}

export async function readIdentityTable(engine: LakeEngine, layout: LakeLayout, table: IdentityTable, where = 'true'): Promise<LakeRow[]> {
  return engine.query(`SELECT * FROM ${identityRelation(engine, layout, table)} WHERE ${where}`);
}

export async function readIdentityMap(engine: LakeEngine, layout: LakeLayout): Promise<IdentityMap> {
  const customerOf = new Map<string, string>();
  const members = new Map<string, string[]>();
  for (const row of await readIdentityTable(engine, layout, 'identity_map')) {
    const key = identifierKey({ type: String(row.id_type), value: String(row.id_value) });
    const customer = String(row.customer_id);
    customerOf.set(key, customer);
    members.set(customer, [...(members.get(customer) ?? []), key]);
  }
  return { customerOf, members };
}

/**
 * identity_edges with each end resolved through identity_map by its id_key (a_value, b_value, and
 * the map's types as a_map_type, b_map_type): a LEFT JOIN, so an end the map lacks comes back NULL.
 */
export async function readResolvedEdges(engine: LakeEngine, layout: LakeLayout): Promise<LakeRow[]> {
  const map = identityRelation(engine, layout, 'identity_map');
  return engine.query(`SELECT e.*, a.id_type AS a_map_type, a.id_value AS a_value, b.id_type AS b_map_type, b.id_value AS b_value
    FROM ${identityRelation(engine, layout, 'identity_edges')} AS e
    LEFT JOIN ${map} AS a ON a.id_key = e.a_key
    LEFT JOIN ${map} AS b ON b.id_key = e.b_key`);
}
