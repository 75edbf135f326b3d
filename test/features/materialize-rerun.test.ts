import { strict as assert } from 'node:assert';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { customerEntityKey } from '../../src/features/feature-definition';
import { FeaturesException, FeaturesExceptionCode } from '../../src/features/features.exception';
import { claimRunVersion, MATERIALIZATION_RUNS_ENTITY } from '../../src/features/offline/run-version';
import { EmbeddedOnlineStore } from '../../src/store/embedded/embedded-online-store';
import { MAX_WRITE_VERSION, type StoredFeature } from '../../src/store/online-store.port';
import { FeatureLake } from './support/feature-lake';
import { ORDER_CHANGE_HEADER, orderLine } from './support/raw-records';
import { AS_OF, EARLIER, writeScenario } from './support/scenario';

const END_OF_AS_OF = Date.parse(`${AS_OF}T23:59:59.999Z`);
const NAMES = ['orders_30d', 'gmv_30d', 'wellness_gmv_30d'];

describe('features materialize re-run for the same day on corrected lake data', () => {
  const lake = new FeatureLake();
  const read = async (customer: string): Promise<Record<string, StoredFeature | undefined>> => {
    const features = (await (await lake.onlineStore()).read([customerEntityKey(customer)], NAMES)).get(customerEntityKey(customer));
    return Object.fromEntries(NAMES.map((name) => [name, features?.get(name)]));
  };

  before(() => writeScenario(lake));
  after(() => lake.close());

  it('replaces the day’s batch values, smaller ones too, while a newer streamed value keeps winning', async () => {
    assert.equal((await lake.materialize(AS_OF)).runVersion, 1);
    assert.deepEqual(await read('cust-1'), {
      orders_30d: { value: 2, eventTime: END_OF_AS_OF },
      gmv_30d: { value: 245, eventTime: END_OF_AS_OF },
      wellness_gmv_30d: { value: 45, eventTime: END_OF_AS_OF },
    });
    // The stream counted a new order of cust-2 after the end of D.
    const streamedAt = END_OF_AS_OF + 60_000;
    await (await lake.onlineStore()).writeBatch([{ entityKey: customerEntityKey('cust-2'), eventTime: streamedAt, features: { orders_30d: 3 } }]);

    // Corrections land late: o3 was cancelled (cust-1 loses 45.00), and an order of cust-3 inside
    // the window arrives only now. Every value of cust-1 goes down: under a plain tie-break on the
    // serialized value the first run's would have stayed.
    lake.raw('orders', '2026-04-02', '20260402-090000000.csv', [
      ORDER_CHANGE_HEADER,
      orderLine({ id: 'o3', user: 'u1', status: 'cancelled', vertical: 'wellness', amount: '45.00', created: '2026-03-10 10:00:00', updated: '2026-04-02 08:00:00' }, 'U'),
      orderLine({ id: 'o12', user: 'u3', status: 'placed', vertical: 'pharmacy', amount: '60.00', created: '2026-03-28 08:00:00', updated: '2026-03-28 08:00:00' }, 'I'),
    ]);
    await lake.process();
    const rerun = await lake.materialize(AS_OF);
    assert.equal(rerun.runVersion, 2);
    assert.equal(rerun.eventTimestamp, '2026-03-31T23:59:59.999Z', 'the re-run keeps the day’s event time');

    assert.deepEqual(await read('cust-1'), {
      orders_30d: { value: 1, eventTime: END_OF_AS_OF },
      gmv_30d: { value: 200, eventTime: END_OF_AS_OF },
      wellness_gmv_30d: { value: 0, eventTime: END_OF_AS_OF },
    });
    assert.deepEqual((await read('cust-3')).gmv_30d, { value: 60, eventTime: END_OF_AS_OF });
    assert.deepEqual((await read('cust-2')).orders_30d, { value: 3, eventTime: streamedAt }, 'the newer streamed value wins over the re-run');
    assert.deepEqual((await read('cust-2')).gmv_30d, { value: 525.5, eventTime: END_OF_AS_OF });
  });

  it('never lets a later run of an earlier day roll the newer day back', async () => {
    const summary = await lake.materialize(EARLIER);
    assert.equal(summary.runVersion, 1, 'versions count per day');
    assert.deepEqual((await read('cust-1')).orders_30d, { value: 1, eventTime: END_OF_AS_OF });
  });

  it('is idempotent: running the day again on unchanged data leaves the same values', async () => {
    const before = await read('cust-1');
    assert.equal((await lake.materialize(AS_OF)).runVersion, 3);
    assert.deepEqual(await read('cust-1'), before);
  });
});

describe('claimRunVersion', () => {
  it('counts runs per day in the store, and refuses a run it could no longer order', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'c360-run-version-'));
    const store = await EmbeddedOnlineStore.open(dir);
    try {
      const end = Date.parse('2026-03-31T23:59:59.999Z');
      assert.equal(await claimRunVersion(store, '2026-03-31', end), 1);
      assert.equal(await claimRunVersion(store, '2026-03-31', end), 2);
      assert.equal(await claimRunVersion(store, '2026-03-30', end - 86_400_000), 1);
      await store.writeBatch([{ entityKey: MATERIALIZATION_RUNS_ENTITY, eventTime: end, version: MAX_WRITE_VERSION, features: { '2026-03-31': MAX_WRITE_VERSION } }]);
      await assert.rejects(
        claimRunVersion(store, '2026-03-31', end),
        (error: unknown) => error instanceof FeaturesException && error.reason === FeaturesExceptionCode.RERUN_LIMIT && error.code === 'CONFLICT',
      );
    } finally {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
