import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import type { MembersPage } from '../audience/membership-snapshots';
import type { SegmentPreview } from '../audience/preview';
import type { SegmentAuditEntry, SegmentContent, StoredSegment } from '../segment-repository.port';
import { SegmentDefinitionScalar } from './segment-definition.scalar';

@ObjectType('SegmentContent', { description: 'What a change can touch: name, description, definition and status' })
export class SegmentContentModel {
  @Field(() => String)
  name!: string;

  @Field(() => String)
  description!: string;

  @Field(() => SegmentDefinitionScalar)
  definition!: unknown;

  @Field(() => String, { description: 'active or archived' })
  status!: string;
}

@ObjectType('Segment', { description: 'A named, versioned audience rule over customers (docs/SEGMENTS.md)' })
export class SegmentModel extends SegmentContentModel {
  @Field(() => ID)
  id!: string;

  @Field(() => Int, { description: '1 when created; every change adds one' })
  version!: number;

  @Field(() => String, { description: 'ISO-8601 UTC' })
  createdAt!: string;

  @Field(() => String, { description: 'The API key (or CLI user) that created it' })
  createdBy!: string;

  @Field(() => String)
  updatedAt!: string;

  @Field(() => String)
  updatedBy!: string;
}

@ObjectType('SegmentAuditEntry', { description: 'One change of a segment: who, when, before and after' })
export class SegmentAuditEntryModel {
  @Field(() => Int)
  version!: number;

  @Field(() => String, { description: 'created, updated or archived' })
  action!: string;

  @Field(() => String)
  actor!: string;

  @Field(() => String, { description: 'ISO-8601 UTC' })
  at!: string;

  @Field(() => SegmentContentModel, { nullable: true, description: 'null for the creation' })
  before!: SegmentContentModel | null;

  @Field(() => SegmentContentModel)
  after!: SegmentContentModel;
}

@ObjectType('SegmentPreview', { description: 'The exact size of a definition’s audience as of a day, and a sample of it' })
export class SegmentPreviewModel implements SegmentPreview {
  @Field(() => String, { description: 'The as-of day evaluated (features of that day, behaviour up to its end)' })
  date!: string;

  @Field(() => Int, { description: 'Customers with features that day' })
  population!: number;

  @Field(() => Int, { description: 'Customers the definition matches, before consent' })
  matched!: number;

  @Field(() => Int, { description: 'Of those, customers who refused advertising: never members' })
  excludedByConsent!: number;

  @Field(() => Int, { description: 'The audience size: matched minus excluded' })
  size!: number;

  @Field(() => [ID], { description: 'Some members' })
  sample!: string[];

  @Field(() => String, { description: 'snapshot (the day’s consent snapshot) or clickstream (read now)' })
  consent!: 'snapshot' | 'clickstream';

  @Field(() => String, { description: 'stitched (events read with their customer from the stitched clickstream) or joined (events joined to the identity map now: slower)' })
  events!: 'stitched' | 'joined';

  @Field(() => Int)
  ms!: number;
}

@ObjectType('SegmentMembersPageInfo')
export class SegmentMembersPageInfoModel {
  @Field(() => String, { nullable: true, description: 'Pass as `after` for the next page' })
  endCursor!: string | null;

  @Field(() => Boolean)
  hasNextPage!: boolean;
}

@ObjectType('SegmentMembers', { description: 'A page of a segment’s members from a daily snapshot, in customer id order' })
export class SegmentMembersModel {
  @Field(() => String, { description: 'The snapshot’s as-of day' })
  date!: string;

  @Field(() => Int)
  totalCount!: number;

  @Field(() => [ID])
  customerIds!: string[];

  @Field(() => SegmentMembersPageInfoModel)
  pageInfo!: SegmentMembersPageInfoModel;
}

@ObjectType('SegmentMembership', { description: 'Whether a customer is in a segment now, by the online store (daily run and real time)' })
export class SegmentMembershipModel {
  @Field(() => ID)
  segmentId!: string;

  @Field(() => ID)
  customerId!: string;

  @Field(() => Boolean)
  member!: boolean;

  @Field(() => String, { nullable: true, description: 'When the customer’s memberships were last evaluated (ISO-8601 UTC); null if never' })
  evaluatedAt!: string | null;
}

const content = (value: SegmentContent): SegmentContentModel => ({ name: value.name, description: value.description, definition: value.definition, status: value.status });

export function segmentModel(segment: StoredSegment): SegmentModel {
  return { ...content(segment), id: segment.id, version: segment.version, createdAt: segment.createdAt, createdBy: segment.createdBy, updatedAt: segment.updatedAt, updatedBy: segment.updatedBy };
}

export function auditEntryModel(entry: SegmentAuditEntry): SegmentAuditEntryModel {
  return { version: entry.version, action: entry.action, actor: entry.actor, at: entry.at, before: entry.before && content(entry.before), after: content(entry.after) };
}

export function membersModel(page: MembersPage): SegmentMembersModel {
  return { date: page.date, totalCount: page.totalCount, customerIds: page.customerIds, pageInfo: { endCursor: page.endCursor, hasNextPage: page.hasNextPage } };
}
