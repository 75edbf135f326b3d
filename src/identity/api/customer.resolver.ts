import { Inject } from '@nestjs/common';
import { Args, Context, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { hasScope } from '../../auth/principal';
import type { RequestContext } from '../../auth/request-context';
import { RequiresScope } from '../../auth/requires-scope.decorator';
import { DomainError } from '../../shared/domain-error';
import type { Logger } from '../../shared/logger.port';
import { LOGGER } from '../../app/tokens';
import type { IncrementalStitcher } from '../incremental/incremental-stitcher';
import { CustomerDirectory } from './customer-directory';
import { IdentifierInput } from './customer.inputs';
import { Customer, CustomerMergeModel, IdentityModel, UnmergeResultModel } from './customer.model';
import { customerLoadersFor } from './customer-loader';
import { validateCustomerIds, validateCustomerQuery, validateMergeId } from './customer-request';
import { customerModel, identityModels, mergeModels } from './customer-views';
import { isPersonal } from './mask-identifier';
import { MANUAL_STITCHER } from './identity.tokens';

const revealsPersonal = (context: RequestContext): boolean => context.principal !== undefined && hasScope(context.principal, 'pii:read');

/** Customer profiles from identity stitching; validation in customer-request.ts, reads in CustomerDirectory. */
@Resolver(() => Customer)
@RequiresScope('profiles:read')
export class CustomerResolver {
  constructor(
    @Inject(CustomerDirectory) private readonly directory: CustomerDirectory,
    @Inject(MANUAL_STITCHER) private readonly stitcher: IncrementalStitcher,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @Query(() => Customer, {
    nullable: true,
    description: 'One customer, by id (an id merged away answers with the customer it was merged into) or by an identifier; null when none. Looking up by email, phone or a configured type needs pii:read',
  })
  async customer(
    @Context() context: RequestContext,
    @Args('id', { type: () => ID, nullable: true }) id?: string | null,
    @Args('identifier', { type: () => IdentifierInput, nullable: true }) identifier?: IdentifierInput | null,
  ): Promise<Customer | null> {
    const query = validateCustomerQuery(id, identifier);
    if ('id' in query) {
      const stored = await customerLoadersFor(context, this.directory).customers.load(query.id);
      return stored && customerModel(stored);
    }
    const types = this.directory.identifierTypes;
    if (!types.includes(query.identifier.type)) throw new DomainError('BAD_USER_INPUT', `identifier: type must be one of ${types.join(', ')}`, { field: 'identifier' });
    // Whether an email or phone belongs to a customer of a health business is itself personal data.
    if (isPersonal(query.identifier) && !revealsPersonal(context)) throw new DomainError('FORBIDDEN', `Looking a customer up by ${query.identifier.type} needs the pii:read scope`, { requiredScope: 'pii:read' });
    const normalized = this.directory.normalize(query.identifier);
    if (!normalized) throw new DomainError('BAD_USER_INPUT', `identifier: not a usable ${query.identifier.type} (junk or malformed values identify no one)`, { field: 'identifier' });
    const stored = await customerLoadersFor(context, this.directory).byIdentifier.load(normalized);
    return stored && customerModel(stored);
  }

  @Query(() => [Customer], { nullable: 'items', description: `Up to 500 customers, one entry per id in the order given (null for an unknown id), read in one batch` })
  async customers(@Context() context: RequestContext, @Args('ids', { type: () => [ID] }) ids: string[]): Promise<Array<Customer | null>> {
    const valid = validateCustomerIds(ids);
    const loaded = await customerLoadersFor(context, this.directory).customers.loadMany(valid);
    return loaded.map((stored) => {
      if (stored instanceof Error) throw stored;
      return stored && customerModel(stored);
    });
  }

  @ResolveField(() => [IdentityModel], { description: 'Its identifiers, strongest type first' })
  identities(@Parent() customer: Customer, @Context() context: RequestContext): IdentityModel[] {
    return identityModels(customer.stored.identities, revealsPersonal(context));
  }

  @ResolveField(() => [CustomerMergeModel], { description: 'Merges it and the customers merged into it took part in, un-merged ones too, oldest first' })
  async mergeHistory(@Parent() customer: Customer, @Context() context: RequestContext): Promise<CustomerMergeModel[]> {
    return mergeModels(await customerLoadersFor(context, this.directory).merges.load(customer.stored), revealsPersonal(context));
  }

  @Mutation(() => UnmergeResultModel, { description: 'Reverses a wrong merge: the merged customer gets its identifiers back and the two are never merged again (admin)' })
  @RequiresScope('admin')
  async unmergeCustomers(@Context() context: RequestContext, @Args('mergeId', { type: () => ID }) mergeId: string): Promise<UnmergeResultModel> {
    const result = await this.stitcher.unmerge(validateMergeId(mergeId));
    this.logger.info('identity: customers un-merged', { mergeId: result.mergeId, restored: result.restoredCustomerId, survivor: result.survivorId, survivorRetiredInto: result.survivorRetiredInto, repointed: result.repointedCustomers.length, key: context.principal?.keyName });
    return { mergeId: result.mergeId, restoredCustomerId: result.restoredCustomerId, survivorId: result.survivorId, restoredIdentifiers: result.restored, separationId: result.separationId, survivorRetiredInto: result.survivorRetiredInto, repointedCustomers: result.repointedCustomers };
  }
}
