import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PausableTimer } from './pausable-timer';

describe('PausableTimer', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('fires once after its limit, not counting the time it was paused', () => {
    const fired = vi.fn();
    const timer = new PausableTimer(1000, fired, () => Date.now());
    vi.advanceTimersByTime(400);
    timer.pause();
    vi.advanceTimersByTime(5000);
    expect(fired).not.toHaveBeenCalled();
    timer.resume();
    vi.advanceTimersByTime(599);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fired).toHaveBeenCalledTimes(1);
    timer.resume();
    vi.advanceTimersByTime(5000);
    expect(fired).toHaveBeenCalledTimes(1);
  });

  it('never fires once cancelled', () => {
    const fired = vi.fn();
    const timer = new PausableTimer(100, fired, () => Date.now());
    timer.cancel();
    timer.resume();
    vi.advanceTimersByTime(1000);
    expect(fired).not.toHaveBeenCalled();
  });
});
