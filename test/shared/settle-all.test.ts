import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { settleAll } from '../../src/shared/settle-all';

function later<T>(ms: number, work: () => T): Promise<T> {
  return new Promise((resolve, reject) =>
    setTimeout(() => {
      try {
        resolve(work());
      } catch (error) {
        reject(error);
      }
    }, ms),
  );
}

describe('settleAll', () => {
  it('gives every value in argument order', async () => {
    const [a, b] = await settleAll([later(20, () => 'slow'), later(1, () => 2)]);
    assert.equal(a, 'slow');
    assert.equal(b, 2);
  });

  it('rejects only once every promise has settled, with the first failure in argument order', async () => {
    let slowFinished = false;
    const fail = (message: string) => () => {
      throw new Error(message);
    };
    await assert.rejects(
      settleAll([later(5, fail('first')), later(1, fail('second')), later(40, () => void (slowFinished = true))]),
      (error: unknown) => {
        assert.ok(error instanceof Error);
        assert.equal(error.message, 'first');
        assert.equal(slowFinished, true, 'the slow one had finished before the rejection');
        return true;
      },
    );
  });
});
