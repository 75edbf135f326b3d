import { Field, InputType } from '@nestjs/graphql';
import { IsString, Length, Matches } from 'class-validator';
import { BUILT_IN_TYPES, TYPE_NAME } from '../identifier';

@InputType('IdentifierInput', { description: 'An identifier as a record holds it; it is normalized (trimmed, emails lower-cased, phones in E.164) before the lookup' })
export class IdentifierInput {
  // Configured types (C360_IDENTITY_TRAIT_IDS) are known only at run time: the resolver checks the name against them.
  @Field(() => String, { description: `One of ${BUILT_IN_TYPES.join(', ')}, or a type configured in C360_IDENTITY_TRAIT_IDS` })
  @IsString()
  @Matches(TYPE_NAME, { message: 'type must be an identifier type: lower-case letters, digits and _' })
  type!: string;

  @Field(() => String)
  @IsString()
  @Length(1, 1024, { message: 'value must be 1 to 1024 characters' })
  value!: string;
}
