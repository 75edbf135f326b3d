import type { FeatureDefinition } from '../../../src/features/feature-definition';
import { FEATURES } from '../../../src/features/feature-registry';
import type { Rng } from '../../../src/lake/generator/prng';
import type { CustomerFacts } from '../../../src/segments/predicate/customer-facts';

type Json = Record<string, unknown>;

/** What the data holds, so random conditions split the population instead of matching all or none. */
export interface DataPools {
  values: Map<string, unknown[]>;
  events: string[];
  properties: Map<string, Map<string, unknown[]>>;
}

export function dataPools(facts: Iterable<CustomerFacts>): DataPools {
  const values = new Map<string, unknown[]>();
  const events = new Set<string>();
  const properties = new Map<string, Map<string, unknown[]>>();
  for (const customer of facts) {
    for (const [name, value] of Object.entries(customer.features)) if (value !== null && value !== undefined) (values.get(name) ?? values.set(name, []).get(name))?.push(value);
    for (const event of customer.events) {
      if (event.type !== 'track' || event.event === null) continue;
      events.add(event.event);
      if (typeof event.properties !== 'object' || event.properties === null) continue;
      const byProperty = properties.get(event.event) ?? properties.set(event.event, new Map()).get(event.event);
      for (const [key, value] of Object.entries(event.properties)) {
        if (['string', 'number', 'boolean'].includes(typeof value) && /^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) (byProperty?.get(key) ?? byProperty?.set(key, []).get(key))?.push(value);
      }
    }
  }
  return { values, events: [...events].sort(), properties };
}

/** Seeded random definitions over the registry and the data's own values (and some values nobody has). */
export class RandomDefinitions {
  constructor(
    private readonly rng: Rng,
    private readonly pools: DataPools,
    private readonly day: string,
    private readonly segmentIds: readonly string[] = [],
  ) {}

  definition(depth = 0): Json {
    const roll = this.rng.float();
    if (depth < 3 && roll < 0.3) {
      const kind = this.rng.chance(0.5) ? 'all' : 'any';
      return { [kind]: Array.from({ length: this.rng.int(1, 3) }, () => this.definition(depth + 1)) };
    }
    if (depth < 3 && roll < 0.38) return { not: this.definition(depth + 1) };
    if (this.segmentIds.length > 0 && roll < 0.42) return { segment: this.rng.pick(this.segmentIds) };
    if (roll < 0.62) return this.behaviour();
    return this.feature();
  }

  private sample(name: string): unknown {
    const values = this.pools.values.get(name) ?? [];
    return values.length === 0 ? undefined : this.rng.pick(values);
  }

  private number(feature: FeatureDefinition): number {
    const seen = this.sample(feature.name);
    const base = typeof seen === 'number' ? seen : this.rng.int(0, 5);
    return this.rng.pick([base, base, base + 1, base - 0.5, 0]);
  }

  private time(feature: FeatureDefinition): string {
    const seen = this.sample(feature.name);
    const base = typeof seen === 'string' ? Date.parse(seen) : Date.parse(`${this.day}T00:00:00Z`);
    return new Date(base + this.rng.pick([0, 0, 1, -1, 3_600_000, -86_400_000])).toISOString();
  }

  private text(feature: FeatureDefinition): string {
    const seen = this.sample(feature.name);
    const list = Array.isArray(seen) ? (seen as string[]) : [];
    if (typeof seen === 'string' && this.rng.chance(0.85)) return seen;
    if (list.length > 0 && this.rng.chance(0.85)) return this.rng.pick(list);
    return `nobody-has-${this.rng.int(0, 9)}`;
  }

  private feature(): Json {
    const feature = this.rng.pick(FEATURES);
    if (this.rng.chance(0.1)) return { feature: feature.name, op: 'exists' };
    switch (feature.type) {
      case 'int':
      case 'float': {
        const op = this.rng.pick(['eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'between', 'in', 'not_in']);
        if (op === 'between') {
          const [min, max] = [this.number(feature), this.number(feature)].sort((a, b) => a - b);
          return { feature: feature.name, op, min, max };
        }
        if (op === 'in' || op === 'not_in') return { feature: feature.name, op, values: [this.number(feature), this.number(feature)] };
        return { feature: feature.name, op, value: this.number(feature) };
      }
      case 'string': {
        const op = this.rng.pick(['eq', 'ne', 'in', 'not_in']);
        if (op === 'in' || op === 'not_in') return { feature: feature.name, op, values: [this.text(feature), this.text(feature)] };
        return { feature: feature.name, op, value: this.text(feature) };
      }
      case 'timestamp': {
        const op = this.rng.pick(['lt', 'lte', 'gt', 'gte', 'between', 'within_last_days']);
        if (op === 'within_last_days') return { feature: feature.name, op, value: this.rng.int(1, 20) };
        if (op === 'between') {
          const [min, max] = [this.time(feature), this.time(feature)].sort((a, b) => Date.parse(a) - Date.parse(b));
          return { feature: feature.name, op, min, max };
        }
        return { feature: feature.name, op, value: this.time(feature) };
      }
      case 'bool':
        return { feature: feature.name, op: this.rng.pick(['eq', 'ne']), value: this.rng.chance(0.5) };
      case 'string_list':
        return { feature: feature.name, op: 'contains', value: this.text(feature) };
    }
  }

  private behaviour(): Json {
    const event = this.pools.events.length > 0 ? this.rng.pick(this.pools.events) : 'Product Viewed';
    const filters: Json[] = [];
    const properties = [...(this.pools.properties.get(event) ?? new Map<string, unknown[]>())];
    for (let i = this.rng.int(0, 2); i > 0 && properties.length > 0; i--) {
      const [property, values] = this.rng.pick(properties);
      const value = this.rng.pick(values);
      if (typeof value === 'number') {
        const op = this.rng.pick(['eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'in']);
        filters.push(op === 'in' ? { property, op, values: [value, this.rng.pick(values)].filter((v) => typeof v === 'number') } : { property, op, value });
      } else if (typeof value === 'boolean') {
        filters.push({ property, op: this.rng.pick(['eq', 'ne']), value });
      } else {
        const op = this.rng.pick(['eq', 'ne', 'in']);
        filters.push(op === 'in' ? { property, op, values: [String(value), String(this.rng.pick(values))] } : { property, op, value: String(value) });
      }
    }
    const definition: Json = { event, atLeast: this.rng.pick([1, 1, 2, 3]), inLastDays: this.rng.int(1, 21) };
    if (filters.length > 0) definition.where = filters;
    return definition;
  }

}
