import { describe, expect, it } from 'vitest';
import { parseSettings } from './settings.js';

describe('parseSettings', () => {
  it('runs every scenario at full size by default, Pairwise against every peer', () => {
    const settings = parseSettings([]);
    expect(settings.scenarios).toEqual(['pairs', 'capacity', 'cold-load', 'keystroke', 'fanout']);
    expect(settings.pairs).toMatchObject({ rooms: 500, charsPerSecond: 5, durationMs: 10_000 });
    expect(settings.capacity).toMatchObject({ connections: 10_000 });
    expect(settings.coldLoad).toMatchObject({ ops: 250_000 });
    expect(settings.runs).toBe(3);
    expect(settings.peerServers).toEqual([
      'pairwise-sqlite',
      'y-websocket-classic',
      'y-websocket-server',
      'hocuspocus',
      'hocuspocus-sqlite',
    ]);
  });

  it('--quick and --smoke run the compared scenarios only, smaller', () => {
    expect(parseSettings(['--quick'])).toMatchObject({
      scenarios: ['pairs', 'capacity', 'cold-load'],
      runs: 3,
      pairs: { rooms: 100, durationMs: 5_000 },
      capacity: { connections: 1_000 },
      coldLoad: { ops: 50_000 },
    });
    expect(parseSettings(['--smoke', 'out=/tmp/x'])).toMatchObject({
      scenarios: ['pairs', 'capacity', 'cold-load'],
      runs: 1,
      resultsDir: '/tmp/x',
    });
    expect(parseSettings(['only=capacity,cold-load', 'connections=400', 'ops=1000'])).toMatchObject({
      scenarios: ['capacity', 'cold-load'],
      capacity: { connections: 400 },
      coldLoad: { ops: 1_000 },
    });
    expect(parseSettings(['--quick', 'rooms=20', 'runs=5', 'seconds=2'])).toMatchObject({
      runs: 5,
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
