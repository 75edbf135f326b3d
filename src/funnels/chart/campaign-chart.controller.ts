import { randomBytes } from 'node:crypto';
import { Controller, Get, NotFoundException, Param, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Public } from '../../auth/public.decorator';
import { campaignChartPage } from './campaign-chart.page';

/** Where chart pages live; the authentication hook must let this prefix through (the page holds no data). */
export const CHARTS_PREFIX = '/charts/';

const MAX_PROMOTION_ID = 500;

/**
 * Serves the campaign chart page without an API key: it is only markup and a script. The data
 * comes from /graphql, which the page calls with the key the user types in; a key never travels
 * in a URL (browsers cannot attach an Authorization header to a navigation). The CSP allows only
 * this response's inline style and script and requests to this origin, and no form submission,
 * so a page without its script cannot send the key anywhere.
 */
@Controller('charts/funnels')
@Public()
export class CampaignChartController {
  @Get('campaign/:promotionId')
  page(@Param('promotionId') promotionId: string, @Res({ passthrough: true }) reply: FastifyReply): string {
    if (promotionId.length === 0 || promotionId.length > MAX_PROMOTION_ID) throw new NotFoundException('No such chart');
    const nonce = randomBytes(16).toString('base64');
    void reply
      .header('content-type', 'text/html; charset=utf-8')
      .header(
        'content-security-policy',
        `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src 'self'; img-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
      )
      .header('cache-control', 'no-store')
      .header('referrer-policy', 'no-referrer')
      .header('x-content-type-options', 'nosniff')
      .header('x-frame-options', 'DENY');
    return campaignChartPage(nonce);
  }
}
