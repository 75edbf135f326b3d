import { Field, InputType } from '@nestjs/graphql';
import { IsIn, IsString, Length } from 'class-validator';
import { BUILT_IN_TYPES } from '../identifier';

@InputType('IdentifierInput', { description: 'An identifier as a record holds it; it is normalized (trimmed, emails lower-cased, phones in E.164) before the lookup' })
export class IdentifierInput {
  @Field(() => String, { description: `One of ${BUILT_IN_TYPES.join(', ')}` })
  @IsString()
  @IsIn(BUILT_IN_TYPES, { message: `type must be one of ${BUILT_IN_TYPES.join(', ')}` })
  type!: string;

  @Field(() => String)
  @IsString()
  @Length(1, 1024, { message: 'value must be 1 to 1024 characters' })
  value!: string;
}
