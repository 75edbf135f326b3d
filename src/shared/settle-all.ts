/**
 * Promise.all that waits for every promise to settle before it rejects: for work that writes into
 * something the caller removes on failure (a scratch folder or schema), so no part is still running
 * when it goes. Rejects with the first failure in argument order.
 */
export async function settleAll<T extends readonly unknown[]>(promises: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const settled = await Promise.allSettled(promises);
  const failed = settled.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((result) => (result as PromiseFulfilledResult<unknown>).value) as unknown as T;
}
