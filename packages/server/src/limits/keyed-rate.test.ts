import { describe, expect, it } from 'vitest';
import { KeyedRate } from './keyed-rate.js';

describe('KeyedRate', () => {
  it('gives each key its own allowance, and says when a refused key may try again', () => {
    const rate = new KeyedRate(3, 60_000);
    for (let i = 0; i < 3; i++) expect(rate.take('a', 0)).toEqual({ allowed: true });
    expect(rate.take('a', 0)).toEqual({ allowed: false, retryAfterSeconds: 20 });
    expect(rate.take('b', 0)).toEqual({ allowed: true });
    // One token every 20 s.
    expect(rate.take('a', 19_000)).toEqual({ allowed: false, retryAfterSeconds: 1 });
    expect(rate.take('a', 20_000)).toEqual({ allowed: true });
  });

  it('never answers Retry-After 0', () => {
    const rate = new KeyedRate(1, 1_000);
    rate.take('a', 0);
    expect(rate.take('a', 999.5)).toEqual({ allowed: false, retryAfterSeconds: 1 });
  });

  it('forgets keys whose allowance has refilled, so memory follows recent activity', () => {
    const rate = new KeyedRate(2, 1_000);
    for (let i = 0; i < 5_000; i++) rate.take(`10.0.${i >> 8}.${i & 255}`, 0);
    // All those buckets are full again a second later: the map is swept as it grows.
    for (let i = 0; i < 5_000; i++) rate.take(`10.1.${i >> 8}.${i & 255}`, 2_000);
    expect(rate.size).toBeLessThan(5_000 + 1_024);
  });

  it('keeps a key that is still limited when it sweeps', () => {
    const rate = new KeyedRate(1, 3_600_000);
    rate.take('attacker', 0);
    for (let i = 0; i < 3_000; i++) rate.take(`k${i}`, 1_000);
    expect(rate.take('attacker', 2_000).allowed).toBe(false);
  });
});
