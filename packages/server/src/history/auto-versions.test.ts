import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AutoVersions } from './auto-versions.js';

describe('AutoVersions', () => {
  let taken: [string, string][];
  let versions: AutoVersions;

  beforeEach(() => {
    vi.useFakeTimers();
    taken = [];
    versions = new AutoVersions({
      timing: { pauseMs: 30_000, everyMs: 600_000 },
      take: async (roomId, name) => void taken.push([roomId, name]),
      log: pino({ level: 'silent' }),
      now: () => Date.now(),
    });
  });
  afterEach(async () => {
    await versions.close();
    vi.useRealTimers();
  });

  it('takes one version after a pause in typing, not while typing goes on', () => {
    versions.noteStored('r');
    vi.advanceTimersByTime(20_000);
    versions.noteStored('r');
    vi.advanceTimersByTime(20_000);
    expect(taken).toEqual([]);
    vi.advanceTimersByTime(10_000);
    expect(taken).toEqual([['r', 'After a pause']]);
    vi.advanceTimersByTime(120_000);
    expect(taken).toHaveLength(1);
  });

  it('takes one every ten minutes of continuous typing', () => {
    for (let t = 0; t <= 600_000; t += 10_000) {
      versions.noteStored('busy');
      vi.advanceTimersByTime(10_000);
    }
    expect(taken).toEqual([['busy', 'After 10 minutes of work']]);
  });

  it('forgets a deleted room and takes nothing once closed', async () => {
    versions.noteStored('gone');
    versions.forget('gone');
    versions.noteStored('open');
    await versions.close();
    versions.noteStored('open');
    vi.advanceTimersByTime(60_000);
    expect(taken).toEqual([]);
  });
});
