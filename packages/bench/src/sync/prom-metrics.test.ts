import { describe, expect, it } from 'vitest';
import { counterDelta, histogramQuantile, parseExposition } from './prom-metrics.js';

const exposition = (counts: readonly number[], stored: number): string =>
  [
    '# HELP pairwise_store_commit_seconds Duration of each successful storage write.',
    '# TYPE pairwise_store_commit_seconds histogram',
    `pairwise_store_commit_seconds_bucket{le="0.01"} ${counts[0]}`,
    `pairwise_store_commit_seconds_bucket{le="0.1"} ${counts[1]}`,
    `pairwise_store_commit_seconds_bucket{le="1"} ${counts[2]}`,
    `pairwise_store_commit_seconds_bucket{le="+Inf"} ${counts[3]}`,
    `pairwise_store_commit_seconds_count ${counts[3]}`,
    `pairwise_stored_updates_total ${stored}`,
    '',
  ].join('\n');

describe('Prometheus exposition', () => {
  it('reads counters between two scrapes', () => {
    const before = parseExposition(exposition([0, 0, 0, 0], 10));
    const after = parseExposition(exposition([0, 0, 0, 0], 250));
    expect(counterDelta(before, after, 'pairwise_stored_updates_total')).toBe(240);
  });

  it('takes quantiles of what was observed between the scrapes only, interpolated within a bucket', () => {
    // Before: 100 fast commits. Between: 50 more under 10 ms, 50 between 10 and 100 ms.
    const before = parseExposition(exposition([100, 100, 100, 100], 0));
    const after = parseExposition(exposition([150, 200, 200, 200], 0));
    const name = 'pairwise_store_commit_seconds';
    expect(histogramQuantile(before, after, name, 0.5)).toBeCloseTo(0.01);
    expect(histogramQuantile(before, after, name, 0.99)).toBeCloseTo(0.01 + 0.09 * (49 / 50));
  });

  it('is NaN when nothing was observed, and the highest bound when past every bucket', () => {
    const none = parseExposition(exposition([5, 5, 5, 5], 0));
    expect(histogramQuantile(none, none, 'pairwise_store_commit_seconds', 0.99)).toBeNaN();
    const slow = parseExposition(exposition([5, 5, 5, 15], 0));
    expect(histogramQuantile(none, slow, 'pairwise_store_commit_seconds', 0.99)).toBe(1);
  });
});
