import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { FEATURES } from '../../src/features/feature-registry';
import { STREAMED_FEATURE_NAMES, WINDOW_DAYS, COUNTERS } from '../../src/stream/features/streamed-features';

describe('streamed features', () => {
  it('are exactly the registry features marked streamed, with the windows the stream keeps', () => {
    const registered = FEATURES.filter((feature) => feature.streamed);
    assert.deepEqual(registered.map((feature) => feature.name).sort(), [...STREAMED_FEATURE_NAMES].sort());
    for (const name of COUNTERS) assert.equal(registered.find((feature) => feature.name === name)?.windowDays, WINDOW_DAYS, name);
  });
});
