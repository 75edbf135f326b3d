import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import type { FeatureScalar } from '../../../store/online-store.port';
import type { FeatureValueType } from '../../feature-definition';
import type { FeatureStatus } from '../served-feature';
import { FeatureScalarType } from './feature-scalar';

/** GraphQL enums need an object of values; these mirror the domain's string unions exactly. */
const FeatureStatusEnum: Record<FeatureStatus, FeatureStatus> = { PRESENT: 'PRESENT', NOT_FOUND: 'NOT_FOUND', OUTSIDE_MAX_AGE: 'OUTSIDE_MAX_AGE', MASKED: 'MASKED' };
const FeatureTypeEnum: Record<FeatureValueType, FeatureValueType> = { int: 'int', float: 'float', string: 'string', bool: 'bool', string_list: 'string_list', timestamp: 'timestamp' };

registerEnumType(FeatureStatusEnum, {
  name: 'FeatureStatus',
  description: 'How a served value came to be',
  valuesMap: {
    PRESENT: { description: 'The stored value, within the feature’s max age; null when null is the feature’s answer (e.g. "no order ever")' },
    NOT_FOUND: { description: 'No value stored for this entity; value is null' },
    OUTSIDE_MAX_AGE: { description: 'The stored value, older than the feature’s max age (ttl): returned, but stale' },
    MASKED: { description: 'A health or personal feature; the caller lacks pii:read, so value and eventTime are null whether or not a value exists' },
  },
});
registerEnumType(FeatureTypeEnum, { name: 'FeatureType', description: 'What `value` holds (timestamps are ISO-8601 UTC text)' });

@ObjectType('FeatureValue', { description: 'One feature of one entity, with an explicit status: missing, stale and masked values never pass as a silent null' })
export class FeatureValueModel {
  @Field(() => String, { description: 'Feature name, as in the registry' })
  name!: string;

  @Field(() => String, { description: 'Feature view; `view:name` is the Feast reference' })
  view!: string;

  @Field(() => FeatureTypeEnum)
  type!: FeatureValueType;

  @Field(() => FeatureStatusEnum)
  status!: FeatureStatus;

  @Field(() => FeatureScalarType, { nullable: true, description: 'The value when status is PRESENT or OUTSIDE_MAX_AGE; null otherwise' })
  value!: FeatureScalar;

  @Field(() => String, { nullable: true, description: 'Event time of the value (ISO-8601 UTC); null when NOT_FOUND or MASKED' })
  eventTime!: string | null;
}

@ObjectType('EntityFeatures', {
  description:
    'The requested features of one entity, in the order the names were given: as objects (`features`), or as columns aligned with the names (`values`, `statuses`, `eventTimes`), the compact form of Feast’s answer',
})
export class EntityFeaturesModel {
  @Field(() => ID, { description: 'The customer id, as requested' })
  entityId!: string;

  @Field(() => [FeatureValueModel], { description: 'One object per requested feature' })
  features!: FeatureValueModel[];

  @Field(() => [FeatureScalarType], { nullable: 'items', description: 'Values in the order of the names; null unless the status is PRESENT or OUTSIDE_MAX_AGE (a PRESENT null is the feature’s answer)' })
  values!: FeatureScalar[];

  @Field(() => [FeatureStatusEnum], { description: 'Statuses in the order of the names' })
  statuses!: FeatureStatus[];

  @Field(() => [String], { nullable: 'items', description: 'Event times (ISO-8601 UTC) in the order of the names; null when NOT_FOUND or MASKED' })
  eventTimes!: Array<string | null>;
}
