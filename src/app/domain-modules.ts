import type { Type } from '@nestjs/common';
import { FeaturesModule } from '../features/serving/features.module';
import { FunnelsModule } from '../funnels/funnels.module';
import { IdentityModule } from '../identity/api/identity.module';
import { SegmentsModule } from '../segments/segments.module';
import { StreamModule } from '../stream/stream.module';

/**
 * The domain modules the API serves (identity, features, segments, funnels, stream, …).
 * Each domain adds its one module here; the root module imports them all.
 */
export const DOMAIN_MODULES: Array<Type<unknown>> = [StreamModule, FunnelsModule, FeaturesModule, IdentityModule, SegmentsModule];
