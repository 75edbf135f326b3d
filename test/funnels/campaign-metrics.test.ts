import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CampaignMetricsJob, shiftDay } from '../../src/funnels/campaign/campaign-metrics.job';
import { metricsPartition } from '../../src/funnels/campaign/campaign-metrics-parquet';
import { CampaignMetricsStore } from '../../src/funnels/campaign/campaign-metrics-store';
import type { FunnelReport } from '../../src/funnels/funnel-report';
import { FunnelsService } from '../../src/funnels/funnels.service';
import { LakeFunnelRunner } from '../../src/funnels/lake-funnel-runner';
import { sqlString } from '../../src/lake/lake-relation';
import { silentLogger } from '../../src/shared/logger.port';
import { EmbeddedOnlineStore } from '../../src/store/embedded/embedded-online-store';
import { FixtureLake } from './support/fixture-lake';
import { generatedLake, type GeneratedLake } from './support/generated-lake';

/** Counts and revenue must match exactly; medians within the histogram's error when estimated. */
function assertSameFunnel(precomputed: FunnelReport, adHoc: FunnelReport, label: string): void {
  assert.equal(precomputed.source, 'precomputed', label);
  assert.equal(adHoc.source, 'ad_hoc', label);
  const shape = (report: FunnelReport) => ({
    steps: report.steps.map((step) => [step.name, step.customers, step.conversionFromPrevious, step.conversionFromFirst]),
    revenue: report.revenue === null ? null : Math.round(report.revenue * 100),
    rows: report.breakdownRows.map((row) => [row.value, row.steps.map((step) => step.customers), row.revenue === null ? null : Math.round(row.revenue * 100)]),
  });
  assert.deepEqual(shape(precomputed), shape(adHoc), label);
  precomputed.steps.forEach((step, index) => {
    const exact = adHoc.steps[index]?.medianSecondsFromPrevious ?? null;
    const stored = step.medianSecondsFromPrevious;
    if (!precomputed.mediansEstimated) assert.equal(stored, exact, `${label}: exact median of step ${index + 1}`);
    else if (exact !== null && stored !== null && exact > 1) assert.ok(Math.abs(stored - exact) / exact < 0.25, `${label}: step ${index + 1} median ${stored} vs ${exact}`);
  });
}

describe('campaign metrics job: precomputed answers equal ad hoc ones', () => {
  let lake: GeneratedLake;
  let storeDir: string;
  let store: EmbeddedOnlineStore;
  let service: FunnelsService;
  let promotions: string[];

  before(async () => {
    lake = await generatedLake(1500, 14, 11);
    storeDir = mkdtempSync(path.join(os.tmpdir(), 'c360-funnels-store-'));
    store = await EmbeddedOnlineStore.open(storeDir);
    const metrics = new CampaignMetricsStore(store);
    const summary = await new CampaignMetricsJob(lake.engine, lake.layout, metrics, silentLogger).run({ date: lake.summary.toDay, lookbackDays: 13 });
    assert.equal(summary.from, lake.summary.fromDay);
    service = new FunnelsService(new LakeFunnelRunner(lake.engine, lake.layout), metrics, silentLogger);
    const rows = await lake.engine.query(
      `SELECT DISTINCT promotion_id FROM read_parquet(${sqlString(path.join(lake.layout.zone('metrics'), 'campaign_funnel', '*', '*.parquet'))}) ORDER BY 1`,
    );
    promotions = rows.map((row) => String(row.promotion_id));
  });

  after(async () => {
    await store.close();
    rmSync(storeDir, { recursive: true, force: true });
    await lake.close();
  });

  it('writes one Parquet partition per entry day into the metrics zone', async () => {
    assert.ok(promotions.length >= 5);
    for (let day = lake.summary.fromDay; day <= lake.summary.toDay; day = shiftDay(day, 1)) {
      assert.ok(existsSync(path.join(metricsPartition(lake.layout, day), 'data.parquet')), day);
    }
    const [row] = await lake.engine.query(
      `SELECT count(*) AS n, count(DISTINCT variant) AS variants, count(DISTINCT breakdown) AS breakdowns
       FROM read_parquet(${sqlString(path.join(lake.layout.zone('metrics'), 'campaign_funnel', '*', '*.parquet'))})`,
    );
    assert.ok(Number(row?.n) > 100);
    assert.equal(Number(row?.variants), 2);
    assert.equal(Number(row?.breakdowns), 3);
  });

  it('answers single days exactly as the ad hoc computation does (medians too)', async () => {
    for (const promotionId of promotions) {
      for (const day of [lake.summary.fromDay, shiftDay(lake.summary.fromDay, 5)]) {
        const request = { promotionId, from: day, to: day };
        const precomputed = await service.campaignFunnel(request);
        const adHoc = await service.campaignFunnel({ ...request, adHoc: true });
        assertSameFunnel(precomputed, adHoc, `${promotionId} ${day}`);
        assertSameFunnel(precomputed.viewThrough, adHoc.viewThrough, `${promotionId} ${day} view-through`);
      }
    }
  });

  it('sums a range of days, and every breakdown, as the ad hoc computation counts them', async () => {
    const from = lake.summary.fromDay;
    const to = shiftDay(from, 9);
    for (const promotionId of promotions) {
      for (const breakdown of [undefined, 'day', 'platform', 'vertical']) {
        const request = { promotionId, from, to, breakdown };
        const precomputed = await service.campaignFunnel(request);
        const adHoc = await service.campaignFunnel({ ...request, adHoc: true });
        assertSameFunnel(precomputed, adHoc, `${promotionId} ${breakdown ?? 'total'}`);
        assertSameFunnel(precomputed.viewThrough, adHoc.viewThrough, `${promotionId} ${breakdown ?? 'total'} view-through`);
      }
    }
  });

  it('answers ad hoc for a non-default window or a day the job has not computed', async () => {
    const promotionId = promotions[0] ?? '';
    const other = await service.campaignFunnel({ promotionId, from: lake.summary.fromDay, to: lake.summary.fromDay, window: '3d' });
    assert.equal(other.source, 'ad_hoc');
    assert.equal(other.window, '3d');
    assert.equal(other.viewThrough.source, 'precomputed', 'the view-through window is still the default');
    const uncovered = await service.campaignFunnel({ promotionId, from: lake.summary.toDay, to: shiftDay(lake.summary.toDay, 1) });
    assert.equal(uncovered.source, 'ad_hoc');
  });
});

describe('campaign metrics job: recomputation', () => {
  it('zeroes a promotion-day that lost its entries, instead of serving the old numbers', async () => {
    const lake = new FixtureLake();
    const storeDir = mkdtempSync(path.join(os.tmpdir(), 'c360-funnels-store-'));
    const store = await EmbeddedOnlineStore.open(storeDir);
    try {
      const metrics = new CampaignMetricsStore(store);
      const service = new FunnelsService(new LakeFunnelRunner(await lake.engine(), lake.layout), metrics, silentLogger);
      const job = new CampaignMetricsJob(await lake.engine(), lake.layout, metrics, silentLogger);
      await lake.write({
        identities: [{ type: 'user_id', value: 'u1', customer: 'c1' }],
        events: [
          { event: 'Promotion Viewed', at: '2026-03-02T10:00:00Z', user: 'u1', promo: 'P' },
          { event: 'Promotion Viewed', at: '2026-03-02T11:00:00Z', user: 'u1', promo: 'Q' },
        ],
      });
      await job.run({ date: '2026-03-03', lookbackDays: 2 });
      const before = await service.campaignFunnel({ promotionId: 'P', from: '2026-03-02', to: '2026-03-02' });
      assert.deepEqual([before.source, before.steps[0]?.customers], ['precomputed', 1]);

      rmSync(lake.layout.processedTable('clickstream'), { recursive: true, force: true });
      await lake.writeEvents([{ event: 'Promotion Viewed', at: '2026-03-02T11:00:00Z', user: 'u1', promo: 'Q' }]);
      await job.run({ date: '2026-03-03', lookbackDays: 2 });
      const afterRerun = await service.campaignFunnel({ promotionId: 'P', from: '2026-03-02', to: '2026-03-02' });
      assert.deepEqual([afterRerun.source, afterRerun.steps[0]?.customers], ['precomputed', 0]);
    } finally {
      await store.close();
      rmSync(storeDir, { recursive: true, force: true });
      await lake.close();
    }
  });
});
