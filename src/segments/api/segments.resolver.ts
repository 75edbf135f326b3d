import { Inject } from '@nestjs/common';
import { Args, Context, ID, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { RequestContext } from '../../auth/request-context';
import { RequiresScope } from '../../auth/requires-scope.decorator';
import { SegmentAudiences } from '../segment-audiences';
import { SegmentCatalog } from '../segment-catalog';
import { SegmentDefinitionScalar } from './segment-definition.scalar';
import { CreateSegmentInput, UpdateSegmentInput } from './segments.inputs';
import {
  auditEntryModel,
  membersModel,
  SegmentAuditEntryModel,
  segmentModel,
  SegmentMembersModel,
  SegmentMembershipModel,
  SegmentModel,
  SegmentPreviewModel,
} from './segments.model';

/** Who made a change, for the audit trail: the API key's configured name. */
const actorOf = (context: RequestContext): string => `api-key:${context.principal?.keyName ?? 'unknown'}`;

/** Segments over GraphQL: reads need segments:read, changes segments:write; the domain services validate. */
@Resolver(() => SegmentModel)
export class SegmentsResolver {
  constructor(
    @Inject(SegmentCatalog) private readonly catalog: SegmentCatalog,
    @Inject(SegmentAudiences) private readonly audiences: SegmentAudiences,
  ) {}

  @Query(() => [SegmentModel], { description: 'Every segment, archived ones only when asked' })
  @RequiresScope('segments:read')
  async segments(@Args('includeArchived', { type: () => Boolean, nullable: true }) includeArchived?: boolean | null): Promise<SegmentModel[]> {
    return (await this.catalog.list(includeArchived ?? false)).map(segmentModel);
  }

  @Query(() => SegmentModel, { description: 'One segment; NOT_FOUND when there is none' })
  @RequiresScope('segments:read')
  async segment(@Args('id', { type: () => ID }) id: string): Promise<SegmentModel> {
    return segmentModel(await this.catalog.get(id));
  }

  @ResolveField(() => [SegmentAuditEntryModel], { description: 'Every change, oldest first' })
  async history(@Parent() segment: SegmentModel): Promise<SegmentAuditEntryModel[]> {
    return (await this.catalog.history(segment.id)).map(auditEntryModel);
  }

  @Query(() => SegmentPreviewModel, { description: 'The exact size and a sample of a definition’s audience as of a day (default: the newest with features), consent applied' })
  @RequiresScope('segments:read')
  segmentPreview(
    @Args('definition', { type: () => SegmentDefinitionScalar }) definition: unknown,
    @Args('date', { type: () => String, nullable: true, description: 'YYYY-MM-DD' }) date?: string | null,
    @Args('sample', { type: () => Int, nullable: true, description: 'Members to sample, 0-100 (default 10)' }) sample?: number | null,
  ): Promise<SegmentPreviewModel> {
    return this.audiences.preview({ definition, date, sample });
  }

  @Query(() => SegmentMembersModel, { description: 'A page of a segment’s members from the newest (or the given) daily snapshot' })
  @RequiresScope('segments:read')
  async segmentMembers(
    @Args('id', { type: () => ID }) id: string,
    @Args('first', { type: () => Int, nullable: true, description: '1-1000 (default 100)' }) first?: number | null,
    @Args('after', { type: () => String, nullable: true }) after?: string | null,
    @Args('date', { type: () => String, nullable: true }) date?: string | null,
  ): Promise<SegmentMembersModel> {
    return membersModel(await this.audiences.members(id, first ?? 100, after, date));
  }

  @Query(() => SegmentMembershipModel, { description: 'Whether a customer is in a segment now' })
  @RequiresScope('segments:read')
  async isMember(@Args('segmentId', { type: () => ID }) segmentId: string, @Args('customerId', { type: () => ID }) customerId: string): Promise<SegmentMembershipModel> {
    return { segmentId, customerId, ...(await this.audiences.isMember(segmentId, customerId)) };
  }

  @Mutation(() => SegmentModel, { description: 'Creates a segment (version 1); the definition is checked first' })
  @RequiresScope('segments:write')
  async createSegment(@Args('input', { type: () => CreateSegmentInput }) input: CreateSegmentInput, @Context() context: RequestContext): Promise<SegmentModel> {
    return segmentModel(await this.catalog.create(input, actorOf(context)));
  }

  @Mutation(() => SegmentModel, { description: 'Changes a segment (a new version, audited)' })
  @RequiresScope('segments:write')
  async updateSegment(@Args('id', { type: () => ID }) id: string, @Args('input', { type: () => UpdateSegmentInput }) input: UpdateSegmentInput, @Context() context: RequestContext): Promise<SegmentModel> {
    return segmentModel(await this.catalog.update(id, input, actorOf(context)));
  }

  @Mutation(() => SegmentModel, { description: 'Archives a segment: no longer evaluated; its history stays. Refused while other segments use it' })
  @RequiresScope('segments:write')
  async archiveSegment(
    @Args('id', { type: () => ID }) id: string,
    @Args('expectedVersion', { type: () => Int, nullable: true }) expectedVersion: number | null | undefined,
    @Context() context: RequestContext,
  ): Promise<SegmentModel> {
    return segmentModel(await this.catalog.archive(id, actorOf(context), expectedVersion));
  }
}
