import { describe, expect, it, vi } from 'vitest';
import { deferred, useGroupCommitHarness, WINDOW_MS } from './group-commit.testkit.js';

/** The commit observer (what each room has stored): told which rooms a write takes, and when it succeeded. */

const h = useGroupCommitHarness();

function observed(): { events: string[]; observer: { writing(ids: readonly string[]): void; stored(ids: readonly string[]): void } } {
  const events: string[] = [];
  return {
    events,
    observer: {
      writing: (ids) => void events.push(`writing ${ids.join(',')}`),
      stored: (ids) => void events.push(`stored ${ids.join(',')}`),
    },
  };
}

describe('GroupCommitter observer', () => {
  it('is told as a write takes the rooms (before it is stored) and once it succeeded', async () => {
    const c = h.committer();
    const { events, observer } = observed();
    c.observe(observer);
    const gate = deferred();
    h.store.gate = gate.promise;
    h.enqueue(c, 'r1', 1);
    h.enqueue(c, 'r2', 2);
    await vi.advanceTimersByTimeAsync(WINDOW_MS);
    expect(events).toEqual(['writing r1,r2']);
    gate.resolve();
    await vi.advanceTimersByTimeAsync(0);
    expect(events).toEqual(['writing r1,r2', 'stored r1,r2']);
  });

  it('hears nothing stored after a failed write; the retry takes the room again', async () => {
    const c = h.committer();
    const { events, observer } = observed();
    c.observe(observer);
    h.store.failNext = 1;
    h.enqueue(c, 'r1', 1);
    await vi.advanceTimersByTimeAsync(WINDOW_MS);
    expect(events).toEqual(['writing r1']);
    await vi.advanceTimersByTimeAsync(2 * WINDOW_MS);
    expect(events).toEqual(['writing r1', 'writing r1', 'stored r1']);
  });
});
