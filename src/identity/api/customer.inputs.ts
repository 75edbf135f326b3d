import { Field, InputType } from '@nestjs/graphql';
import { IsString, Length, Matches } from 'class-validator';

@InputType('IdentifierInput', { description: 'An identifier as a record holds it; it is normalized (trimmed, emails lower-cased, phones in E.164) before the lookup' })
export class IdentifierInput {
  @Field(() => String, { description: 'user_id, email, phone, device_id, anonymous_id, or a configured type' })
  @IsString()
  @Matches(/^[a-z][a-z0-9_]{0,31}$/, { message: 'type must be a lower-case identifier type name (user_id, email, phone, device_id, anonymous_id, …)' })
  type!: string;

  @Field(() => String)
  @IsString()
  @Length(1, 1024, { message: 'value must be 1 to 1024 characters' })
  value!: string;
}
