import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { policies, types } from 'cassandra-driver';
import { IdempotentRetryPolicy } from '../../src/store/cassandra/idempotent-retry-policy';

// The driver's runtime enum (its typings declare it under a different name).
const { retry, rethrow } = (policies.retry.RetryPolicy as unknown as { retryDecision: { retry: number; rethrow: number } }).retryDecision;
const quorum = types.consistencies.localQuorum;

function info(idempotent: boolean, nbRetry = 0): policies.retry.OperationInfo {
  // Only the fields the policy reads; the driver builds the real object per request.
  return { query: 'q', nbRetry, executionOptions: { isIdempotent: () => idempotent } } as unknown as policies.retry.OperationInfo;
}

describe('IdempotentRetryPolicy', () => {
  const policy = new IdempotentRetryPolicy();

  it('retries an idempotent statement once after a write timeout, never a CAS or non-idempotent one', () => {
    assert.equal(policy.onWriteTimeout(info(true), quorum, 1, 2, 'UNLOGGED_BATCH').decision, retry);
    assert.equal(policy.onWriteTimeout(info(true, 1), quorum, 1, 2, 'SIMPLE').decision, rethrow);
    assert.equal(policy.onWriteTimeout(info(false), quorum, 1, 2, 'SIMPLE').decision, rethrow);
    assert.equal(policy.onWriteTimeout(info(true), quorum, 1, 2, 'CAS').decision, rethrow);
  });

  it('retries request errors on the next host only for idempotent statements', () => {
    const decision = policy.onRequestError(info(true), quorum, new Error('socket'));
    assert.equal(decision.decision, retry);
    assert.equal((decision as { useCurrentHost?: boolean }).useCurrentHost, false);
    assert.equal(policy.onRequestError(info(false), quorum, new Error('socket')).decision, rethrow);
  });

  it('retries read timeouts only when the replicas answered without the data', () => {
    assert.equal(policy.onReadTimeout(info(true), quorum, 2, 2, false).decision, retry);
    assert.equal(policy.onReadTimeout(info(true), quorum, 1, 2, false).decision, rethrow);
    assert.equal(policy.onReadTimeout(info(true), quorum, 2, 2, true).decision, rethrow);
  });

  it('tries the next host once when the coordinator saw too few replicas (nothing was applied)', () => {
    assert.equal(policy.onUnavailable(info(false), quorum, 2, false).decision, retry);
    assert.equal(policy.onUnavailable(info(false, 1), quorum, 2, false).decision, rethrow);
  });
});
