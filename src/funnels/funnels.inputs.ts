import { Field, InputType } from '@nestjs/graphql';
import type { FunnelStepInput } from './funnel-validation';

@InputType('FunnelPropertyFilterInput', { description: 'property = value; an event property name, context.os.name, or for an order vertical or currency' })
export class FunnelPropertyFilterInput {
  @Field(() => String)
  property!: string;

  @Field(() => String)
  equals!: string;
}

@InputType('FunnelStepInput', { description: 'An event name (with filters), or order: true for an order placed (last step only)' })
export class FunnelStepInputModel implements FunnelStepInput {
  @Field(() => String, { nullable: true })
  event?: string | null;

  @Field(() => Boolean, { nullable: true })
  order?: boolean | null;

  @Field(() => String, { nullable: true, description: 'A label for the step; defaults to the event name' })
  name?: string | null;

  @Field(() => [FunnelPropertyFilterInput], { nullable: true })
  filters?: FunnelPropertyFilterInput[] | null;
}
