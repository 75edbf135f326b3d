import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { maskedRecordId } from '../../../src/identity/api/mask-record-id';

describe('masking a merge cause’s record id without pii:read', () => {
  it('masks the path of an API-log record named by its endpoint, keeping its service and method', () => {
    assert.deepEqual(maskedRecordId('api_logs', 'auth POST /v1/otp/+919811100099/verify'), { recordId: 'auth POST ***', masked: true });
    assert.deepEqual(maskedRecordId('api_logs', 'GET /users/ravi@example.in'), { recordId: 'GET ***', masked: true }, 'no service logged');
  });

  it('masks the whole id when no method tells the path apart', () => {
    assert.deepEqual(maskedRecordId('api_logs', 'auth /v1/otp/9811100099'), { recordId: '***', masked: true });
    assert.deepEqual(maskedRecordId('api_logs', '/v1/otp/9811100099:3'), { recordId: '***', masked: true }, 'a path ending in a number is not a logged line');
  });

  it('shows an API log’s file and line, and the ids of other sources, as they are', () => {
    const line = 'raw/api_logs/dt=2026-03-01/part-1.jsonl:42';
    assert.deepEqual(maskedRecordId('api_logs', line), { recordId: line, masked: false });
    assert.deepEqual(maskedRecordId('clickstream', 'msg 1 GET /x'), { recordId: 'msg 1 GET /x', masked: false });
    assert.deepEqual(maskedRecordId('orders', 'o-1'), { recordId: 'o-1', masked: false });
  });
});
