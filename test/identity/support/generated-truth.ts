import { normalizeIdentifier } from '../../../src/identity/identifier-normalization';
import { identifierKey } from '../../../src/identity/identifier';
import { DEFAULT_END_DAY } from '../../../src/lake/generator/generate-lake';
import { GenerationWindow } from '../../../src/lake/generator/generation-window';
import { buildPerson, type Person } from '../../../src/lake/generator/population';
import { SeedSpace } from '../../../src/lake/generator/prng';

/**
 * Who really owns each identifier of a generated lake, rebuilt from the generator's own people
 * (the same seed and window give the same people): the answer key stitching is graded against.
 * Keys are identifierKey() of normalized identifiers, so they compare with the identity map.
 */
export interface GeneratedTruth {
  people: readonly Person[];
  /** identifier → the one person it belongs to (identifiers of family tablets are not here). */
  ownerOf: ReadonlyMap<string, number>;
  /** identifier of a family tablet (its device id and its install's anonymous id) → the people sharing it. */
  sharedBy: ReadonlyMap<string, readonly number[]>;
  /** Family tablets: the accounts that log in on each, by the tablet's device id. */
  tablets: ReadonlyMap<string, readonly number[]>;
}

export function generatedTruth(options: { users: number; days: number; seed?: number; endDay?: string }): GeneratedTruth {
  const seeds = new SeedSpace(options.seed ?? 17);
  const window = new GenerationWindow(options.endDay ?? DEFAULT_END_DAY, options.days);
  const people: Person[] = [];
  const ownerOf = new Map<string, number>();
  const sharedBy = new Map<string, number[]>();
  const tablets = new Map<string, number[]>();
  const own = (type: string, raw: string, person: number) => {
    const value = normalizeIdentifier(type, raw);
    if (value !== null) ownerOf.set(identifierKey({ type, value }), person);
  };
  for (let index = 0; index < options.users; index++) {
    const person = buildPerson(seeds, window, index);
    people.push(person);
    if (person.userId !== undefined) own('user_id', person.userId, index);
    own('phone', person.phone, index);
    own('email', person.email, index);
    for (const device of person.devices) {
      const ids = [identifierKey({ type: 'device_id', value: device.id }), ...device.installs.map((install) => identifierKey({ type: 'anonymous_id', value: install.anonymousId }))];
      if (device.shared) {
        for (const id of ids) sharedBy.set(id, [...(sharedBy.get(id) ?? []), index]);
        tablets.set(device.id, [...(tablets.get(device.id) ?? []), index]);
      } else {
        own('device_id', device.id, index);
        for (const install of device.installs) own('anonymous_id', install.anonymousId, index);
      }
    }
  }
  return { people, ownerOf, sharedBy, tablets };
}
