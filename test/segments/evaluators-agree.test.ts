import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { FeatureRegistry } from '../../src/features/feature-registry';
import { SeedSpace } from '../../src/lake/generator/prng';
import { checkDefinition } from '../../src/segments/definition/check-definition';
import type { CheckedCondition } from '../../src/segments/definition/segment-condition';
import type { CustomerFacts } from '../../src/segments/predicate/customer-facts';
import { compilePredicate } from '../../src/segments/predicate/segment-predicate';
import { DUCKDB_SEGMENT_DIALECT } from '../../src/segments/sql/segment-dialect';
import { compileSegments, membersSql } from '../../src/segments/sql/segment-query.sql';
import { SegmentSqlContext } from '../../src/segments/sql/segment-sql-context';
import { segmentSources } from '../../src/segments/sql/segment-sources';
import { joinSql, raw, sql } from '../../src/segments/sql/sql-fragment';
import { generatedSegmentLake, type GeneratedSegmentLake } from './support/generated-segment-lake';
import { lakeFacts } from './support/lake-facts';
import { dataPools, RandomDefinitions } from './support/random-definitions';
import { lookupOf } from './support/segment-lookup';

const SEED = Number(process.env.C360_SEGMENT_PROPERTY_SEED ?? 20_260_310);
const DEFINITIONS = 160;

/**
 * The property: for random definitions over a generated lake (real processing, identity
 * stitching and feature materialization, plus consent choices), the SQL evaluator and the
 * in-memory predicate choose exactly the same customers. The seed is printed with any failure;
 * C360_SEGMENT_PROPERTY_SEED replays another.
 */
describe('SQL and in-memory evaluators agree on random definitions (generated lake, 400 users, 21 days)', () => {
  let lake: GeneratedSegmentLake;
  let facts: Map<string, CustomerFacts>;
  let context: SegmentSqlContext;
  /** The same day with events joined to the identity map instead of read from the stitched clickstream. */
  let joined: SegmentSqlContext;
  const registry = new FeatureRegistry();
  const rng = new SeedSpace(SEED).rng('segment-definitions', 0);
  let generator: RandomDefinitions;
  let lookup: ReturnType<typeof lookupOf>;

  before(async () => {
    lake = await generatedSegmentLake(400, 21);
    facts = await lakeFacts(lake.engine, lake.layout, lake.day);
    const sources = segmentSources(lake.engine, lake.layout, lake.day);
    assert.ok(sources.stitchedClickstream, 'the generated lake has a current stitched clickstream');
    context = new SegmentSqlContext(lake.day, DUCKDB_SEGMENT_DIALECT, sources);
    joined = new SegmentSqlContext(lake.day, DUCKDB_SEGMENT_DIALECT, { ...sources, stitchedClickstream: undefined });
    const pools = dataPools(facts.values());
    const base = new RandomDefinitions(rng, pools, lake.day);
    const segments = { 'base-a': base.definition(1), 'base-b': base.definition(1), 'base-c': base.definition(2) };
    lookup = lookupOf(segments);
    generator = new RandomDefinitions(rng, pools, lake.day, Object.keys(segments));
  });
  after(() => lake.close());

  const inMemory = (checked: CheckedCondition): string[] => {
    const predicate = compilePredicate(checked, lake.day);
    return [...facts].filter(([, customer]) => predicate(customer)).map(([id]) => id).sort();
  };

  it('the lake holds enough to mean something: customers, events, consent choices, opted-out customers', () => {
    const optedOut = [...facts.values()].filter((customer) => customer.optedOut).length;
    const withEvents = [...facts.values()].filter((customer) => customer.events.length > 0).length;
    assert.ok(facts.size >= 200 && withEvents >= 150 && lake.consentEvents >= 20 && optedOut >= 10, JSON.stringify({ customers: facts.size, withEvents, consent: lake.consentEvents, optedOut }));
  });

  const members = async (checked: CheckedCondition, on: SegmentSqlContext): Promise<string[]> => {
    const query = membersSql(checked, on);
    return (await lake.engine.query(`${query.text} ORDER BY 1`, query.params)).map((row) => String(row.customer_id));
  };

  it(`agrees on ${DEFINITIONS} random definitions, most of which split the population, events stitched or joined (seed ${SEED})`, async () => {
    let splitting = 0;
    for (let index = 0; index < DEFINITIONS; index++) {
      const definition = generator.definition();
      const checked = await checkDefinition(definition, { registry, segments: lookup });
      const bySql = await members(checked, context);
      assert.deepEqual(inMemory(checked), bySql, `definition ${index} (seed ${SEED}) ${JSON.stringify(definition)}`);
      assert.deepEqual(await members(checked, joined), bySql, `definition ${index} (seed ${SEED}), events joined to the identity map: ${JSON.stringify(definition)}`);
      if (bySql.length > 0 && bySql.length < facts.size * 0.95) splitting++;
    }
    assert.ok(splitting >= DEFINITIONS * 0.4, `only ${splitting} of ${DEFINITIONS} definitions split the population`);
  });

  it('agrees when many definitions are compiled together and share their behaviour scan', async () => {
    const checked: CheckedCondition[] = [];
    for (let index = 0; index < 20; index++) checked.push(await checkDefinition(generator.definition(), { registry, segments: lookup }));
    for (const [events, on] of [['stitched', context], ['joined', joined]] as const) {
      const compiled = compileSegments(checked, on);
      const flags = compiled.predicates.map((predicate, index) => sql`${predicate} AS ${raw(`s${index}`)}`);
      const query = sql`WITH ${compiled.ctes} SELECT f.customer_id, ${raw(compiled.optedOut)} AS opted_out, ${joinSql(flags, ', ')} FROM ${raw(compiled.from)} ORDER BY 1`;
      const rows = await lake.engine.query(query.text, query.params);
      checked.forEach((definition, index) => {
        const bySql = rows.filter((row) => row[`s${index}`] === true && row.opted_out === false).map((row) => String(row.customer_id));
        assert.deepEqual(inMemory(definition), bySql, `definition ${index} of the batch, events ${events}`);
      });
    }
  });
});
