import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import type { MergeRecord, StoredCustomer } from '../identity-store.port';

const MergeViaEnum: Record<MergeRecord['via'], MergeRecord['via']> = { batch: 'batch', stream: 'stream', manual: 'manual' };
registerEnumType(MergeViaEnum, {
  name: 'MergeVia',
  description: 'What merged two customers',
  valuesMap: {
    batch: { description: 'The daily identity stitch over the lake' },
    stream: { description: 'A streamed event (identify, alias, or one carrying two ids), in real time' },
    manual: { description: 'A person, through the API' },
  },
});

@ObjectType('Identity', { description: 'One identifier of a customer. Emails and phones are masked without pii:read' })
export class IdentityModel {
  @Field(() => String, { description: 'user_id, email, phone, device_id or anonymous_id' })
  type!: string;

  @Field(() => String, { description: 'The normalized value; for an email or phone, masked (j***@***.com) unless the caller has pii:read' })
  value!: string;

  @Field(() => Boolean, { description: 'Whether value is masked' })
  masked!: boolean;
}

@ObjectType('MergeCause', { description: 'The record whose identifiers, seen together, joined the two customers' })
export class MergeCauseModel {
  @Field(() => String, { description: 'clickstream, orders, lab_bookings, consultations or api_logs' })
  source!: string;

  @Field(() => String, { description: 'The record: a messageId, an order id, an API log’s file and line, …; an API-log record named by its endpoint has its path masked unless the caller has pii:read' })
  recordId!: string;

  @Field(() => Boolean, { description: 'Whether recordId is masked' })
  recordIdMasked!: boolean;

  @Field(() => String, { nullable: true, description: 'When the record happened (ISO-8601 UTC), when known' })
  time!: string | null;

  @Field(() => [IdentityModel], { description: 'The two identifiers the record linked' })
  link!: IdentityModel[];
}

@ObjectType('CustomerMerge', { description: 'One merge of customer `from` into customer `into`' })
export class CustomerMergeModel {
  @Field(() => ID, { description: 'Pass it to unmergeCustomers to reverse the merge' })
  mergeId!: string;

  @Field(() => ID)
  into!: string;

  @Field(() => ID)
  from!: string;

  @Field(() => String, { description: 'When the merge was recorded (ISO-8601 UTC)' })
  at!: string;

  @Field(() => MergeViaEnum)
  via!: MergeRecord['via'];

  @Field(() => MergeCauseModel, { nullable: true, description: 'Null when the batch could not name the record' })
  cause!: MergeCauseModel | null;

  @Field(() => [IdentityModel], { description: 'What `from` held when merged: what an un-merge gives back' })
  identifiers!: IdentityModel[];

  @Field(() => String, { nullable: true, description: 'When the merge was reversed (ISO-8601 UTC); null while it holds' })
  undoneAt!: string | null;
}

/**
 * A customer: one person as identity stitching sees them. Other domains add their fields with
 * `@Resolver(() => Customer)` and `@ResolveField` (features, segments), reading `customerId` from
 * the parent.
 */
@ObjectType('Customer', { description: 'One customer: the identifiers stitched into them and how they came together' })
export class Customer {
  @Field(() => ID, { description: 'The canonical id; asking for an id merged away since answers with the customer it was merged into' })
  customerId!: string;

  @Field(() => String, { description: 'When the customer’s earliest identifier was first seen (ISO-8601 UTC)' })
  firstSeen!: string;

  @Field(() => [ID], { description: 'Customers merged into this one, directly or through others' })
  mergedFrom!: string[];

  /** The stored record the fields resolve from (identities are masked per caller); not part of the schema. */
  stored!: StoredCustomer;
}

@ObjectType('UnmergeResult', { description: 'A reversed merge: the merged customer has its identifiers back, and the two stay apart' })
export class UnmergeResultModel {
  @Field(() => ID)
  mergeId!: string;

  @Field(() => ID, { description: 'The customer given back its identifiers' })
  restoredCustomerId!: string;

  @Field(() => ID, { description: 'The customer that held them until now' })
  survivorId!: string;

  @Field(() => Int, { description: 'Identifiers moved back' })
  restoredIdentifiers!: number;

  @Field(() => ID, { description: 'The separation that keeps the two sides from merging again' })
  separationId!: string;

  @Field(() => ID, { nullable: true, description: 'Set when the survivor held nothing else: the customer holding its seed (or most of its own former identifiers), into which it is now merged' })
  survivorRetiredInto!: string | null;

  @Field(() => [ID], { description: 'Customers merged away whose id now leads elsewhere (to the restored customer, the survivor or the holder of their seed), because the un-merge moved what they follow' })
  repointedCustomers!: string[];
}
