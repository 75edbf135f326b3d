import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import type { ArgumentsHost } from '@nestjs/common';
import { BadRequestException } from '@nestjs/common';
import { FeaturesException, FeaturesExceptionCode } from '../../../src/features/features.exception';
import { RestExceptionFilter } from '../../../src/features/serving/rest-exception.filter';
import { DomainError } from '../../../src/shared/domain-error';
import { memoryLogger } from '../../support/memory-log';

/** Runs the filter on a fake Fastify request/reply and returns what it sent. */
function filtered(exception: unknown): { status: number; body: unknown; lines: string[] } {
  const log = memoryLogger();
  const sent: { status: number; body: unknown } = { status: 0, body: undefined };
  const reply = {
    code(status: number) {
      sent.status = status;
      return reply;
    },
    header() {
      return reply;
    },
    send(body: unknown) {
      sent.body = body;
      return reply;
    },
  };
  const host = { switchToHttp: () => ({ getRequest: () => ({ id: 'req-42' }), getResponse: () => reply }) } as unknown as ArgumentsHost;
  new RestExceptionFilter(log.logger).catch(exception, host);
  return { ...sent, lines: log.lines() };
}

describe('RestExceptionFilter', () => {
  it('maps domain error codes to statuses and keeps their safe message', () => {
    const cases: Array<[DomainError['code'], number]> = [
      ['BAD_USER_INPUT', 400],
      ['UNAUTHENTICATED', 401],
      ['FORBIDDEN', 403],
      ['NOT_FOUND', 404],
      ['CONFLICT', 409],
      ['UNAVAILABLE', 503],
    ];
    for (const [code, status] of cases) {
      assert.deepEqual(filtered(new DomainError(code, `because ${code}`)), { status, body: { error: { code, message: `because ${code}` } }, lines: [] });
    }
    assert.equal(filtered(new FeaturesException(FeaturesExceptionCode.UNKNOWN_FEATURE, 'unknown feature "x"')).status, 400);
  });

  it('keeps Nest’s own HTTP errors in the same shape', () => {
    assert.deepEqual(filtered(new BadRequestException('bad body')).body, { error: { code: 'BAD_USER_INPUT', message: 'bad body' } });
  });

  it('answers anything else with 500 and a reference, logging the error and leaking none of it', () => {
    const { status, body, lines } = filtered(new TypeError('Cannot read properties of undefined (SELECT secret FROM features)'));
    assert.equal(status, 500);
    assert.deepEqual(body, { error: { code: 'INTERNAL_SERVER_ERROR', message: 'Internal error (reference req-42)', reference: 'req-42' } });
    assert.ok(!JSON.stringify(body).includes('secret'));
    assert.equal(lines.length, 1);
    assert.match(lines[0] ?? '', /"requestId":"req-42".*"error":"TypeError"/);
  });
});
