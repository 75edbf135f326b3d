import { Body, Controller, HttpCode, Inject, Post, Req, UseFilters } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { hasScope } from '../../../auth/principal';
import { RequiresScope } from '../../../auth/requires-scope.decorator';
import { FeatureRegistry } from '../../feature-registry';
import { OnlineFeatureReader } from '../online-feature-reader';
import { RestExceptionFilter } from '../rest-exception.filter';
import { parseFeastRequest } from './feast-request';
import { feastResponse, type FeastOnlineFeaturesResponse } from './feast-response';

/**
 * Feast's HTTP feature server endpoint, so a client written for Feast can point at c360 instead.
 * Authentication is the API key hook's; a key needs features:read, and pii:read to see sensitive values.
 */
@Controller()
@UseFilters(RestExceptionFilter)
export class GetOnlineFeaturesController {
  constructor(
    @Inject(FeatureRegistry) private readonly registry: FeatureRegistry,
    @Inject(OnlineFeatureReader) private readonly reader: OnlineFeatureReader,
  ) {}

  @Post('get-online-features')
  @HttpCode(200)
  @RequiresScope('features:read')
  async getOnlineFeatures(@Body() body: unknown, @Req() request: FastifyRequest): Promise<FeastOnlineFeaturesResponse> {
    const parsed = parseFeastRequest(body, this.registry);
    const revealSensitive = request.principal !== undefined && hasScope(request.principal, 'pii:read');
    return feastResponse(parsed, await this.reader.read(parsed.entityIds, parsed.features, revealSensitive));
  }
}
