import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { FeatureRegistry } from '../../src/features/feature-registry';
import { checkDefinition, type CheckContext } from '../../src/segments/definition/check-definition';
import { parseDefinition, parseDefinitionJson } from '../../src/segments/definition/parse-definition';
import { behavioursOf, featuresOf, type CheckedCondition } from '../../src/segments/definition/segment-condition';
import { SegmentsException } from '../../src/segments/segments.exception';
import { lookupOf } from './support/segment-lookup';

const registry = new FeatureRegistry();
const context = (segments: Record<string, unknown> = {}, archived: string[] = []): CheckContext => ({ registry, segments: lookupOf(segments, archived) });

/** The error a definition gets, with its reason, its first path and every message. */
async function refusal(definition: unknown, ctx: CheckContext = context()): Promise<{ reason: string; path: string; message: string; problems: number }> {
  try {
    await checkDefinition(definition, ctx);
  } catch (error) {
    assert.ok(error instanceof SegmentsException, `expected a SegmentsException, got ${String(error)}`);
    assert.equal(error.code, 'BAD_USER_INPUT');
    return { reason: String(error.details.reason), path: String(error.details.path), message: error.message, problems: Number(error.details.problems) };
  }
  assert.fail(`accepted ${JSON.stringify(definition)}`);
}

describe('segment definition language: what it accepts', () => {
  it('reads every kind of condition into a checked tree, with features resolved from the registry', async () => {
    const checked = await checkDefinition(
      {
        all: [
          { feature: 'customer_orders:orders_30d', op: 'gte', value: 2 },
          { feature: 'favourite_category', op: 'in', values: ['vitamins', 'vitamins', 'skin care'] },
          { any: [{ feature: 'last_seen_at', op: 'within_last_days', value: 7 }, { feature: 'cart_products', op: 'contains', value: 'SKU-1' }] },
          { not: { event: 'Order Completed', inLastDays: 14, where: [{ property: 'revenue', op: 'gt', value: 1000 }, { property: 'currency', op: 'eq', value: 'INR' }] } },
          { feature: 'last_seen_at', op: 'between', min: '2026-03-01', max: '2026-03-02T12:00:00+05:30' },
        ],
      },
      context(),
    );
    assert.equal(checked.kind, 'all');
    const [orders, category, anyOf, not, between] = (checked as Extract<CheckedCondition, { conditions: unknown }>).conditions;
    assert.deepEqual(orders, { kind: 'feature', feature: registry.get('orders_30d'), test: { op: 'gte', value: 2 } });
    assert.deepEqual(category, { kind: 'feature', feature: registry.get('favourite_category'), test: { op: 'in', values: ['vitamins', 'skin care'] } });
    assert.equal(anyOf?.kind, 'any');
    assert.deepEqual(not, {
      kind: 'not',
      condition: { kind: 'behaviour', event: 'Order Completed', atLeast: 1, inLastDays: 14, where: [{ property: 'revenue', kind: 'number', op: 'gt', values: [1000] }, { property: 'currency', kind: 'text', op: 'eq', values: ['INR'] }] },
    });
    assert.deepEqual(between, { kind: 'feature', feature: registry.get('last_seen_at'), test: { op: 'between', min: Date.parse('2026-03-01T00:00:00Z'), max: Date.parse('2026-03-02T06:30:00Z') } });
    assert.deepEqual(featuresOf(checked).map((feature) => feature.name), ['orders_30d', 'favourite_category', 'last_seen_at', 'cart_products']);
    assert.equal(behavioursOf(checked).length, 1);
  });

  it('inlines a referenced segment’s current definition, references of references too', async () => {
    const checked = await checkDefinition(
      { all: [{ segment: 'buyers' }, { feature: 'orders_7d', op: 'eq', value: 0 }] },
      context({ buyers: { any: [{ segment: 'clickers' }, { feature: 'orders_30d', op: 'gt', value: 0 }] }, clickers: { event: 'Promotion Clicked', inLastDays: 30 } }),
    );
    const reference = (checked as Extract<CheckedCondition, { conditions: unknown }>).conditions[0];
    assert.equal(reference?.kind, 'segment');
    assert.deepEqual(behavioursOf(checked).map((behaviour) => behaviour.event), ['Promotion Clicked']);
  });

  it('checks every example of docs/SEGMENTS.md: all valid but the one shown refused, refused with the messages shown', async () => {
    const doc = readFileSync(path.resolve(__dirname, '..', '..', '..', 'docs', 'SEGMENTS.md'), 'utf8');
    const blocks = [...doc.matchAll(/```json\n([\s\S]*?)```/g)].map((match) => match[1] as string);
    assert.ok(blocks.length >= 7, `found ${blocks.length} JSON examples`);
    const examples = context({ 'lapsed-high-value': JSON.parse(blocks[1] as string) });
    const refused: string[] = [];
    for (const block of blocks) {
      try {
        await checkDefinition(JSON.parse(block), examples);
      } catch (error) {
        refused.push(error instanceof Error ? error.message : String(error));
      }
    }
    assert.equal(refused.length, 1, refused.join('\n'));
    for (const shown of ['$.all[0].feature: unknown feature "ordrs_30d" (did you mean orders_30d?)', '$.all[1].value: feature orders_30d is int; "3" is text, expected a number', '$.all[2]: an event condition needs inLastDays (1-365)']) {
      assert.ok(refused[0]?.includes(shown), `the docs show "${shown}"; the checker said: ${refused[0]}`);
    }
  });
});

describe('segment definition language: syntax errors name what and where', () => {
  const cases: Array<[string, unknown, string, RegExp]> = [
    ['a condition that is not an object', { all: [42] }, '$.all[0]', /a condition is an object with one of: all, any, not, feature, event, segment/],
    ['no kind key', { featur: 'orders_30d' }, '$', /exactly one of .* \(found "featur"\)/],
    ['two kind keys', { feature: 'orders_30d', event: 'x', op: 'exists' }, '$', /found feature and event/],
    ['an unknown key', { feature: 'orders_30d', op: 'gt', value: 1, unit: 'days' }, '$.unit', /unknown key "unit"/],
    ['an empty all', { all: [] }, '$.all', /all needs at least one condition/],
    ['an unknown op', { feature: 'orders_30d', op: 'like', value: 1 }, '$.op', /op must be one of eq, ne, lt/],
    ['a missing operand', { feature: 'orders_30d', op: 'between', min: 1 }, '$.max', /op "between" needs max/],
    ['an operand the op does not take', { feature: 'orders_30d', op: 'in', value: 1 }, '$.value', /op "in" takes values, not value/],
    ['a value that is an object', { feature: 'orders_30d', op: 'eq', value: { $gt: 1 } }, '$.value', /value must be text .*, a number .* or true\/false/],
    ['an infinite-ish number', { feature: 'orders_30d', op: 'lt', value: 1e300 }, '$.value', /at most 1000000000000000 in size/],
    ['text with a control character', { feature: 'last_banner_clicked', op: 'eq', value: 'a\u0000b' }, '$.value', /printable/],
    ['a property name that is more than a name', { event: 'Product Viewed', inLastDays: 7, where: [{ property: "x') OR 1=1 --", op: 'eq', value: 'y' }] }, '$.where[0].property', /event property name/],
    ['a fractional atLeast', { event: 'Product Viewed', inLastDays: 7, atLeast: 1.5 }, '$.atLeast', /atLeast must be an integer/],
    ['a segment id with quotes', { segment: "a'; DROP TABLE x; --" }, '$.segment', /segment must be a segment id/],
    ['a __proto__ key', JSON.parse('{"feature":"orders_30d","op":"exists","__proto__":{"polluted":true}}'), '$.__proto__', /unknown key "__proto__"/],
  ];
  for (const [name, definition, where, message] of cases) {
    it(`rejects ${name}`, async () => {
      const error = await refusal(definition);
      assert.equal(error.reason, 'INVALID_DEFINITION');
      assert.equal(error.path, where);
      assert.match(error.message, message);
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
    });
  }

  it('rejects nesting deeper than 12 levels and more than 200 conditions', async () => {
    let deep: unknown = { feature: 'orders_30d', op: 'exists' };
    for (let level = 0; level < 12; level++) deep = { not: deep };
    assert.match((await refusal(deep)).message, /nested deeper than 12 levels/);
    const wide = { any: Array.from({ length: 5 }, () => ({ all: Array.from({ length: 45 }, () => ({ feature: 'orders_30d', op: 'exists' })) })) };
    assert.match((await refusal(wide)).message, /more than 200 conditions/);
  });

  it('reports every problem at once, and JSON that does not parse', async () => {
    const error = await refusal({ all: [{ feature: 'orders_30d', op: 'gt' }, { event: '', inLastDays: 0 }, { segment: 'Bad Id' }] });
    assert.equal(error.problems, 4);
    assert.match(error.message, /\$\.all\[0\]\.value: op "gt" needs value; \$\.all\[1\]\.event: .*; \$\.all\[1\]\.inLastDays: inLastDays must not be less than 1; \$\.all\[2\]\.segment/);
    assert.throws(() => parseDefinitionJson('{"all": ['), /\$: not JSON/);
    assert.throws(() => parseDefinition(null), /a condition is an object/);
  });
});

describe('segment definition language: meaning errors', () => {
  it('rejects an unknown feature, suggesting the likely one, and a view that does not hold it', async () => {
    const typo = await refusal({ any: [{ feature: 'orders_30d', op: 'exists' }, { feature: 'gmv_3od', op: 'gt', value: 1 }] });
    assert.equal(typo.reason, 'UNKNOWN_FEATURE');
    assert.equal(typo.path, '$.any[1].feature');
    assert.match(typo.message, /unknown feature "gmv_3od" \(did you mean gmv_30d\?\)/);
    assert.match((await refusal({ feature: 'customer_rfm:orders_30d', op: 'exists' })).message, /unknown feature "customer_rfm:orders_30d"/);
    assert.doesNotMatch((await refusal({ feature: 'zzzzzzzzzzzz', op: 'exists' })).message, /did you mean/);
  });

  const mismatches: Array<[string, unknown, string, RegExp]> = [
    ['text for an int', { feature: 'orders_30d', op: 'eq', value: '3' }, '$.value', /orders_30d is int; "3" is text, expected a number/],
    ['a number in a list of text', { feature: 'last_banner_clicked', op: 'in', values: ['P1', 7] }, '$.values[1]', /last_banner_clicked is string; 7 is a number, expected text/],
    ['an order comparison on text', { feature: 'favourite_category', op: 'gt', value: 'a' }, '$.op', /favourite_category is string; op "gt" does not apply to it \(use eq, ne, in, not_in, exists\)/],
    ['in on a timestamp', { feature: 'last_seen_at', op: 'in', values: ['2026-03-01'] }, '$.op', /last_seen_at is timestamp; op "in" does not apply/],
    ['a time without a zone', { feature: 'last_seen_at', op: 'gt', value: '2026-03-01T10:00:00' }, '$.value', /an ISO-8601 time with its zone/],
    ['an impossible day', { feature: 'last_seen_at', op: 'gt', value: '2026-02-30' }, '$.value', /expected a day/],
    ['contains on a number', { feature: 'orders_30d', op: 'contains', value: 1 }, '$.op', /op "contains" does not apply/],
    ['a fractional day count', { feature: 'last_seen_at', op: 'within_last_days', value: 1.5 }, '$.value', /whole number of days/],
    ['an order comparison of a property with text', { event: 'Order Completed', inLastDays: 7, where: [{ property: 'revenue', op: 'gte', value: '100' }] }, '$.where[0].op', /op "gte" compares numbers; "100" is text/],
    ['a filter list mixing text and numbers', { event: 'Product Viewed', inLastDays: 7, where: [{ property: 'sku', op: 'in', values: ['A1', 7] }] }, '$.where[0].values[1]', /all text or all numbers; 7 is a number, the first is text/],
    ['in with true/false', { event: 'Product Viewed', inLastDays: 7, where: [{ property: 'rx', op: 'in', values: [true] }] }, '$.where[0].op', /true\/false take eq or ne/],
  ];
  for (const [name, definition, where, message] of mismatches) {
    it(`rejects ${name} as a type mismatch`, async () => {
      const error = await refusal(definition);
      assert.equal(error.reason, 'TYPE_MISMATCH');
      assert.equal(error.path, where);
      assert.match(error.message, message);
    });
  }

  it('rejects between with min above max', async () => {
    assert.match((await refusal({ feature: 'gmv_30d', op: 'between', min: 10, max: 1 })).message, /\$\.min: between needs min ≤ max/);
  });

  it('rejects scans without bound: no window, a window over a year, too many event conditions', async () => {
    const noWindow = await refusal({ all: [{ feature: 'orders_30d', op: 'exists' }, { event: 'Product Viewed', atLeast: 3 }] });
    assert.equal(noWindow.reason, 'UNBOUNDED_SCAN');
    assert.equal(noWindow.path, '$.all[1]');
    assert.match(noWindow.message, /needs inLastDays \(1-365\)/);
    const tooLong = await refusal({ event: 'Product Viewed', inLastDays: 400 });
    assert.equal(tooLong.reason, 'UNBOUNDED_SCAN');
    assert.equal(tooLong.path, '$.inLastDays');
    const many = { any: Array.from({ length: 21 }, (_, index) => ({ event: `E${index}`, inLastDays: 7 })) };
    const tooMany = await refusal(many);
    assert.equal(tooMany.reason, 'UNBOUNDED_SCAN');
    assert.match(tooMany.message, /21 event conditions .*at most 20/);
    // Event conditions hidden in referenced segments count too.
    const hidden = await refusal({ all: [{ segment: 'a' }, { segment: 'a2' }] }, context({ a: { any: many.any.slice(0, 11) }, a2: { any: many.any.slice(11) } }));
    assert.match(hidden.message, /21 event conditions/);
  });

  it('rejects references to missing, archived or enclosing segments, naming the chain', async () => {
    const missing = await refusal({ all: [{ feature: 'orders_30d', op: 'exists' }, { segment: 'ghost' }] });
    assert.equal(missing.reason, 'UNKNOWN_SEGMENT');
    assert.equal(missing.path, '$.all[1].segment');
    assert.match((await refusal({ segment: 'old' }, context({ old: { feature: 'orders_30d', op: 'exists' } }, ['old']))).message, /segment old is archived/);
    const self = await refusal({ segment: 'me' }, { ...context({ me: { feature: 'orders_30d', op: 'exists' } }), self: 'me' });
    assert.equal(self.reason, 'SEGMENT_CYCLE');
    assert.match(self.message, /me → me/);
    const loop = await refusal({ segment: 'a' }, context({ a: { segment: 'b' }, b: { any: [{ segment: 'a' }] } }));
    assert.equal(loop.reason, 'SEGMENT_CYCLE');
    assert.match(loop.message, /a → b → a/);
    assert.match(loop.path, /^\$\.segment→a:\$\.segment→b:\$\.any\[0\]\.segment$/);
  });

  it('reports a referenced segment that no longer checks where it is referenced', async () => {
    const stale = await refusal({ segment: 'old-rule' }, context({ 'old-rule': { feature: 'retired_feature', op: 'exists' } }));
    assert.equal(stale.reason, 'UNKNOWN_FEATURE');
    assert.match(stale.path, /^\$\.segment→old-rule:\$\.feature$/);
  });
});
