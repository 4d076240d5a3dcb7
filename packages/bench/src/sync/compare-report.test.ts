import { describe, expect, it } from 'vitest';
import { pairwiseOverBestPeer, summarizeServer } from './compare-report.js';
import type { Outcome } from './outcome.js';
import { type PairsResult, pairsScenario } from './scenarios/pairs.js';

const pairs = pairsScenario({ rooms: 1, charsPerSecond: 5, durationMs: 1000, settleMs: 0, lightTypists: true });

function run(p99: number, cpu: number, generatorCpuPct = 30, converged = true): Outcome<PairsResult> {
  return {
    ok: true,
    value: {
      typed: 100,
      deliveries: 100,
      latency: { count: 100, p50: p99 / 4, p95: p99 / 2, p99, max: p99 },
      deliveredPerSecond: 1000,
      serverCpuMsPer1000: cpu,
      serverCpuPct: 20,
      helperCpuPct: 1,
      processCpuPct: [{ name: 'server', pct: 20 }],
      generatorCpuPct,
      scheduleLagP99Ms: 1,
      serverLoopDelay: { p99Ms: 5, maxMs: 6 },
      rss: 64 * 2 ** 20,
      peakRss: 70 * 2 ** 20,
      cpuPressurePct: 0,
      warmUp: { ms: 3_000, helperCpuMs: 500, settled: true },
      converged,
      problems: converged ? [] : ['1 rooms differ'],
    },
  };
}

describe('summarizeServer', () => {
  it('takes the median and the spread of the valid runs only', () => {
    const summary = summarizeServer(pairs, 'hocuspocus', [run(12, 130), run(9, 120), run(500, 900, 95), run(14, 150)]);
    expect(summary.validRuns).toBe(3);
    expect(summary.metrics.p99Ms).toEqual({ median: 12, min: 9, max: 14 });
    expect(summary.metrics.cpuMsPer1000?.median).toBe(130);
    expect(summary.maxGeneratorCpuPct).toBe(95);
    expect(summary.converged).toBe(true);
  });

  it('counts failed runs and reports a run that did not converge', () => {
    const summary = summarizeServer(pairs, 'pairwise-sqlite', [
      run(10, 100),
      { ok: false, error: 'server did not start in time' },
      run(20, 100, 30, false),
    ]);
    expect(summary.failedRuns).toBe(1);
    expect(summary.converged).toBe(false);
    expect(summary.problems).toEqual(['1 rooms differ', 'server did not start in time']);
    expect(summary.metrics.p99Ms?.median).toBe(15);
  });

  it('falls back to the invalid runs when no run was valid, rather than showing nothing', () => {
    expect(summarizeServer(pairs, 'hocuspocus', [run(40, 300, 90)]).metrics.p99Ms?.median).toBe(40);
  });
});

describe('pairwiseOverBestPeer', () => {
  it('divides Pairwise by the best peer, not by the relay', () => {
    const ratios = pairwiseOverBestPeer(pairs, [
      summarizeServer(pairs, 'pairwise-sqlite', [run(10, 60)]),
      summarizeServer(pairs, 'y-websocket-classic', [run(20, 90)]),
      summarizeServer(pairs, 'hocuspocus', [run(8, 120)]),
      summarizeServer(pairs, 'ws-relay', [run(1, 10)]),
    ]);
    expect(ratios.p99Ms).toBeCloseTo(10 / 8);
    expect(ratios.cpuMsPer1000).toBeCloseTo(60 / 90);
  });

  it('turns throughput around so that below 1 is still a win', () => {
    const rate = {
      ...pairs,
      metrics: [
        { key: 'rate', label: 'updates/s', value: (r: PairsResult) => r.deliveredPerSecond, format: String, better: 'higher' as const },
      ],
    };
    const at = (deliveredPerSecond: number): Outcome<PairsResult> => {
      const outcome = run(10, 100);
      return outcome.ok ? { ok: true, value: { ...outcome.value, deliveredPerSecond } } : outcome;
    };
    const ratios = pairwiseOverBestPeer(rate, [
      summarizeServer(rate, 'pairwise-sqlite', [at(3000)]),
      summarizeServer(rate, 'hocuspocus', [at(1500)]),
      summarizeServer(rate, 'y-websocket-classic', [at(2000)]),
    ]);
    expect(ratios.rate).toBeCloseTo(2000 / 3000);
  });

  it('gives no ratio for a figure no peer has (NaN: e.g. a load from storage on servers without storage)', () => {
    const noPeerP99 = (outcome: Outcome<PairsResult>): Outcome<PairsResult> =>
      outcome.ok ? { ok: true, value: { ...outcome.value, latency: { ...outcome.value.latency, p99: Number.NaN } } } : outcome;
    const ratios = pairwiseOverBestPeer(pairs, [
      summarizeServer(pairs, 'pairwise-sqlite', [run(10, 60)]),
      summarizeServer(pairs, 'hocuspocus', [noPeerP99(run(8, 120))]),
    ]);
    expect(ratios).not.toHaveProperty('p99Ms');
    expect(ratios.cpuMsPer1000).toBeCloseTo(60 / 120);
  });

  it('has nothing to say without Pairwise or without a peer', () => {
    expect(pairwiseOverBestPeer(pairs, [summarizeServer(pairs, 'hocuspocus', [run(8, 120)])])).toEqual({});
  });
});
