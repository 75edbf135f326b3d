import { FEATURES } from '../../../src/features/feature-registry';
import { featurePartitionFile } from '../../../src/features/offline/feature-partitions';
import { servedFeatures } from '../../../src/features/offline/online-values';
import { identityMapFile } from '../../../src/features/sql/feature-sources';
import { trimIdentifier } from '../../../src/identity/identifier-normalization';
import type { LakeEngine } from '../../../src/lake/lake-engine.port';
import type { LakeLayout } from '../../../src/lake/lake-layout';
import { sqlString } from '../../../src/lake/lake-relation';
import { CONSENT_EVENT, optsOut } from '../../../src/segments/consent/marketing-consent';
import type { CustomerFacts, FactEvent } from '../../../src/segments/predicate/customer-facts';

/**
 * Every customer's facts as of the end of `day`, built in TypeScript from the lake's files: the
 * feature row (served values), the processed events stitched here (user_id's customer, else the
 * anonymous_id's), and consent folded from the events. Independent of the segment SQL, so the
 * predicate and the SQL can be compared.
 */
export async function lakeFacts(engine: LakeEngine, layout: LakeLayout, day: string): Promise<Map<string, CustomerFacts & { events: FactEvent[] }>> {
  const featureRows = await engine.query(`SELECT * FROM read_parquet(${sqlString(featurePartitionFile(layout, day))})`);
  const facts = new Map<string, CustomerFacts & { events: FactEvent[] }>();
  for (const row of featureRows) facts.set(String(row.customer_id), { features: servedFeatures(row, FEATURES), events: [], optedOut: false });

  const map = new Map<string, string>();
  for (const row of await engine.query(`SELECT id_type, id_value, customer_id FROM read_parquet(${sqlString(identityMapFile(layout))})`)) {
    if (row.customer_id === null || (row.id_type !== 'user_id' && row.id_type !== 'anonymous_id')) continue;
    const key = `${String(row.id_type)}:${String(row.id_value)}`;
    const current = map.get(key);
    if (current === undefined || String(row.customer_id) < current) map.set(key, String(row.customer_id));
  }
  const customerOf = (type: string, value: unknown) => (typeof value === 'string' ? map.get(`${type}:${trimIdentifier(value)}`) : undefined);

  const end = Date.parse(`${day}T00:00:00Z`) + 86_400_000;
  const events = await engine.query(
    `SELECT type, event, message_id, user_id, anonymous_id, epoch_ms(event_time) AS ms, properties, context
     FROM read_parquet(${sqlString(`${layout.processedTable('clickstream')}/*/*.parquet`)}, hive_partitioning = true, union_by_name = true)`,
  );
  const consent = new Map<string, { time: number; messageId: string; optedOut: boolean }>();
  for (const row of events) {
    const time = Number(row.ms);
    if (!(time < end)) continue;
    const customer = customerOf('user_id', row.user_id) ?? customerOf('anonymous_id', row.anonymous_id);
    const target = customer === undefined ? undefined : facts.get(customer);
    if (customer === undefined || target === undefined) continue;
    const messageId = row.message_id === null ? null : String(row.message_id);
    target.events.push({ type: String(row.type), event: row.event === null ? null : String(row.event), messageId, time, properties: row.properties === null ? null : JSON.parse(String(row.properties)) });
    if (row.type === 'track' && row.event === CONSENT_EVENT && row.context !== null) {
      const choice = optsOut(JSON.parse(String(row.context)));
      const newest = consent.get(customer);
      const later = newest === undefined || time > newest.time || (time === newest.time && (messageId ?? '') > newest.messageId);
      if (choice !== undefined && later) consent.set(customer, { time, messageId: messageId ?? '', optedOut: choice });
    }
  }
  for (const [customer, choice] of consent) (facts.get(customer) as CustomerFacts).optedOut = choice.optedOut;
  return facts;
}
