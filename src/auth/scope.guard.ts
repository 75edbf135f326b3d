import { Inject, type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { Scope } from '../config/scopes';
import { DomainError } from '../shared/domain-error';
import { hasScope, type Principal } from './principal';
import { REQUIRED_SCOPE } from './requires-scope.decorator';

/**
 * Authorization for every resolver and route. A handler without a declared scope is refused:
 * forgetting the decorator must fail closed, not open.
 */
@Injectable()
export class ScopeGuard implements CanActivate {
  constructor(@Inject(Reflector) private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const required = this.reflector.getAllAndOverride<Scope | 'public' | undefined>(REQUIRED_SCOPE, [context.getHandler(), context.getClass()]);
    if (required === 'public') return true;
    const principal = this.principalOf(context);
    if (!principal) throw new DomainError('UNAUTHENTICATED', 'An API key is required: Authorization: Bearer <key>');
    if (!required) throw new DomainError('FORBIDDEN', 'This operation declares no scope and is refused');
    if (!hasScope(principal, required)) {
      throw new DomainError('FORBIDDEN', `This operation needs the ${required} scope`, { requiredScope: required });
    }
    return true;
  }

  private principalOf(context: ExecutionContext): Principal | undefined {
    if (context.getType<string>() === 'graphql') {
      return GqlExecutionContext.create(context).getContext<{ principal?: Principal }>().principal;
    }
    return context.switchToHttp().getRequest<{ principal?: Principal }>().principal;
  }
}
