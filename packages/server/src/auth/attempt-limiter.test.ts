import { describe, expect, it } from 'vitest';
import { AttemptLimiter } from './attempt-limiter.js';

describe('AttemptLimiter', () => {
  const clock = (): { now: () => number; advance: (ms: number) => void } => {
    let t = 1_000_000;
    return {
      now: () => t,
      advance: (ms) => {
        t += ms;
      },
    };
  };

  it('allows `capacity` attempts at once, then says how long until the next', () => {
    const c = clock();
    const limiter = new AttemptLimiter(3, 60_000, c.now);
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a')]).toEqual([0, 0, 0]);
    expect(limiter.take('a')).toBe(20_000); // one attempt refills every 60 s / 3
    c.advance(19_999);
    expect(limiter.take('a')).toBe(1);
    c.advance(1);
    expect(limiter.take('a')).toBe(0);
    expect(limiter.take('a')).toBe(20_000);
  });

  it('keeps keys apart', () => {
    const limiter = new AttemptLimiter(1, 60_000, clock().now);
    expect(limiter.take('alice')).toBe(0);
    expect(limiter.take('alice')).toBeGreaterThan(0);
    expect(limiter.take('bob')).toBe(0);
  });

  it('a refused attempt takes nothing: waiting the announced time is enough', () => {
    const c = clock();
    const limiter = new AttemptLimiter(1, 10_000, c.now);
    limiter.take('a');
    for (let i = 0; i < 5; i++) limiter.take('a');
    const wait = limiter.take('a');
    c.advance(wait);
    expect(limiter.take('a')).toBe(0);
  });

  it('never refills past capacity', () => {
    const c = clock();
    const limiter = new AttemptLimiter(2, 1_000, c.now);
    limiter.take('a');
    c.advance(1_000_000);
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a') > 0]).toEqual([0, 0, true]);
  });

  it('forgets keys whose bucket is full again, once per window', () => {
    const c = clock();
    const limiter = new AttemptLimiter(5, 1_000, c.now);
    for (let i = 0; i < 100; i++) limiter.take(`ip-${i}`);
    expect(limiter.size).toBe(100);
    c.advance(1_000);
    limiter.take('fresh');
    expect(limiter.size).toBe(1);
  });
});
