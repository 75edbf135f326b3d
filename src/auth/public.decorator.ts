import { SetMetadata } from '@nestjs/common';
import { REQUIRED_SCOPE } from './requires-scope.decorator';

/** Marks a route that needs no API key (health checks). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(REQUIRED_SCOPE, 'public');
