import { SetMetadata } from '@nestjs/common';
import type { Scope } from '../config/scopes';

export const REQUIRED_SCOPE = 'c360:required-scope';

/** Declares the scope a resolver or route needs; the scope guard refuses callers without it. */
export const RequiresScope = (scope: Scope): MethodDecorator & ClassDecorator => SetMetadata(REQUIRED_SCOPE, scope);
