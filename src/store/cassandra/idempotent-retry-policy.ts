import { policies, types } from 'cassandra-driver';

type OperationInfo = policies.retry.OperationInfo;
type DecisionInfo = policies.retry.DecisionInfo;

/**
 * Retries once, and only what cannot be applied twice with a different outcome: statements marked
 * idempotent (reads, and our writes and deletes, which carry explicit timestamps), plus any
 * statement the coordinator rejected as unavailable (it was never applied). Lightweight
 * transactions and DDL are not idempotent and are never retried after they may have run.
 */
export class IdempotentRetryPolicy extends policies.retry.RetryPolicy {
  override onReadTimeout(info: OperationInfo, consistency: types.consistencies, received: number, blockFor: number, isDataPresent: boolean): DecisionInfo {
    // Enough replicas answered but the one asked for data did not: a second try usually succeeds.
    if (info.nbRetry > 0 || !info.executionOptions.isIdempotent() || received < blockFor || isDataPresent) return this.rethrowResult();
    return this.retryResult(consistency, true);
  }

  override onWriteTimeout(info: OperationInfo, consistency: types.consistencies, _received: number, _blockFor: number, writeType: string): DecisionInfo {
    // A CAS write's outcome is unknown after a timeout; replaying it could apply it twice.
    if (info.nbRetry > 0 || !info.executionOptions.isIdempotent() || writeType === 'CAS') return this.rethrowResult();
    return this.retryResult(consistency, true);
  }

  override onUnavailable(info: OperationInfo, consistency: types.consistencies, _required: number, _alive: boolean): DecisionInfo {
    if (info.nbRetry > 0) return this.rethrowResult();
    return this.retryResult(consistency, false);
  }

  override onRequestError(info: OperationInfo, consistency: types.consistencies, _error: Error): DecisionInfo {
    // Socket errors and client timeouts: the statement may have run, so only idempotent ones move on.
    if (info.nbRetry > 0 || !info.executionOptions.isIdempotent()) return this.rethrowResult();
    return this.retryResult(consistency, false);
  }
}
