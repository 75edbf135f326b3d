import { Field, ID, InputType, Int } from '@nestjs/graphql';
import { SegmentDefinitionScalar } from './segment-definition.scalar';

@InputType('CreateSegmentInput')
export class CreateSegmentInput {
  @Field(() => ID, { nullable: true, description: 'A readable id (lower-case letters, digits, _ or -); minted when absent' })
  id?: string | null;

  @Field(() => String, { description: 'Unique, regardless of case' })
  name!: string;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => SegmentDefinitionScalar)
  definition!: unknown;
}

@InputType('UpdateSegmentInput', { description: 'Fields left out stay as they are' })
export class UpdateSegmentInput {
  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => SegmentDefinitionScalar, { nullable: true })
  definition?: unknown;

  @Field(() => Int, { nullable: true, description: 'The version this change is based on: a concurrent change fails it with CONFLICT instead of being overwritten' })
  expectedVersion?: number | null;
}
