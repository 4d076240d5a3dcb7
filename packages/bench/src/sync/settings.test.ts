import { describe, expect, it } from 'vitest';
import { parseSettings } from './settings.js';

describe('parseSettings', () => {
  it('runs every scenario at full size by default, Pairwise against every peer', () => {
    const settings = parseSettings([]);
    expect(settings.scenarios).toEqual([
      'pairs',
      'crowded',
      'saturation',
      'capacity',
      'cold-load',
      'storage',
      'scale-out',
      'keystroke',
      'fanout',
    ]);
    expect(settings.crowded).toMatchObject({ clients: 100, typists: 10, charsPerSecond: 5, durationMs: 10_000 });
    expect(settings.saturation).toMatchObject({ p99LimitMs: 100 });
    expect(settings.pairs).toMatchObject({ rooms: 500, charsPerSecond: 5, durationMs: 10_000 });
    expect(settings.capacity).toMatchObject({ connections: 10_000 });
    expect(settings.coldLoad).toMatchObject({ ops: 250_000 });
    expect(settings.runs).toBe(3);
    expect(settings.peerServers).toEqual([
      'pairwise-sqlite',
      'pairwise-cluster',
      'y-websocket-classic',
      'y-websocket-server',
      'hocuspocus',
      'hocuspocus-sqlite',
    ]);
  });

  it('runs storage on both stores and scale-out on one to three instances', () => {
    const settings = parseSettings([]);
    expect(settings.storageServers).toEqual(['pairwise-sqlite', 'pairwise-postgres']);
    expect(settings.scaleOutServers).toEqual(['pairwise-cluster-1', 'pairwise-cluster', 'pairwise-cluster-3']);
    // Scale-out is the pair-rooms workload, lighter (the cluster shares one core) and settled sooner.
    expect(settings.scaleOut.load).toEqual({ ...settings.pairs, rooms: 50, settleMs: 500 });
    expect(settings.scaleOut.saturationRates.length).toBeGreaterThan(0);
    expect(parseSettings(['--quick']).scaleOut.saturationRates).toEqual([]);
    expect(parseSettings(['rooms=7', 'seconds=2']).scaleOut.load).toMatchObject({ rooms: 7, durationMs: 2_000 });
    expect(parseSettings(['servers=pairwise-cluster,hocuspocus'])).toMatchObject({
      storageServers: [],
      scaleOutServers: ['pairwise-cluster'],
    });
  });

  it('--quick runs the latency and throughput comparisons on one-process servers; --smoke every compared scenario', () => {
    const compared = ['pairs', 'crowded', 'saturation', 'capacity', 'cold-load', 'storage', 'scale-out'];
    expect(parseSettings(['--quick'])).toMatchObject({
      scenarios: ['pairs', 'crowded', 'saturation'],
      runs: 3,
      saturationRuns: 1,
      pairs: { rooms: 100, durationMs: 3_000 },
    });
    expect(parseSettings(['--quick']).peerServers).not.toContain('pairwise-cluster');
    expect(parseSettings(['--smoke']).peerServers).toContain('pairwise-cluster');
    expect(parseSettings(['--quick', 'only=capacity,cold-load'])).toMatchObject({
      capacity: { connections: 1_000 },
      coldLoad: { ops: 50_000 },
    });
    expect(parseSettings(['--smoke', 'out=/tmp/x'])).toMatchObject({ scenarios: compared, runs: 1, resultsDir: '/tmp/x' });
    expect(parseSettings(['only=capacity,cold-load', 'connections=400', 'ops=1000'])).toMatchObject({
      scenarios: ['capacity', 'cold-load'],
      capacity: { connections: 400 },
      coldLoad: { ops: 1_000 },
    });
    expect(parseSettings(['--smoke', 'only=crowded,saturation'])).toMatchObject({ scenarios: ['crowded', 'saturation'] });
    expect(parseSettings(['--quick']).crowded).toMatchObject({ clients: 50, typists: 5, durationMs: 2_000, lightWatchers: true });
    expect(parseSettings(['watchers=full']).crowded.lightWatchers).toBe(false);
    expect(parseSettings([]).pairs.lightTypists).toBe(true);
    expect(parseSettings(['typists=full'])).toMatchObject({ pairs: { lightTypists: false }, scaleOut: { load: { lightTypists: false } } });
    expect(() => parseSettings(['typists=heavy'])).toThrow(/unknown typists value heavy/);
    expect(parseSettings(['--quick', 'rooms=20', 'runs=5', 'seconds=2'])).toMatchObject({
      runs: 5,
      saturationRuns: 5,
      pairs: { rooms: 20, durationMs: 2_000 },
    });
  });

  it('keeps Hocuspocus out of the stock-provider scenarios: it frames messages its own way', () => {
    const settings = parseSettings(['servers=pairwise-sqlite,hocuspocus']);
    expect(settings.peerServers).toEqual(['pairwise-sqlite', 'hocuspocus']);
    expect(settings.providerServers).toEqual(['pairwise-sqlite']);
  });

  it('refuses what it does not know', () => {
    expect(() => parseSettings(['--fast'])).toThrow(/unknown flag --fast/);
    expect(() => parseSettings(['servers=sharedb'])).toThrow(/unknown servers value sharedb/);
    expect(() => parseSettings(['rooms=0'])).toThrow(/rooms must be a positive number/);
  });
});
