import { describe, expect, it } from 'vitest';
import { refilled, TokenBucket } from './token-bucket.js';

describe('TokenBucket', () => {
  it('starts full and refuses what it does not hold, taking nothing', () => {
    const bucket = new TokenBucket(10, 5, 0);
    expect(bucket.take(10, 0)).toBe(true);
    expect(bucket.take(1, 0)).toBe(false);
    expect(bucket.waitMs(1, 0)).toBe(200);
  });

  it('refills continuously at its rate, never past capacity', () => {
    const bucket = new TokenBucket(10, 5, 0);
    bucket.take(10, 0);
    expect(bucket.take(3, 500)).toBe(false); // 2.5 tokens after 0.5 s
    expect(bucket.take(2, 500)).toBe(true);
    expect(bucket.isFull(60_000)).toBe(true);
    expect(bucket.take(11, 60_000)).toBe(false);
    expect(bucket.take(10, 60_000)).toBe(true);
  });

  it('a refused take leaves the tokens for a smaller one', () => {
    const bucket = new TokenBucket(100, 1, 0);
    expect(bucket.take(60, 0)).toBe(true);
    expect(bucket.take(50, 0)).toBe(false);
    expect(bucket.take(40, 0)).toBe(true);
  });

  it('says how long until an amount is there, and Infinity for more than it ever holds', () => {
    const bucket = new TokenBucket(4, 2, 1_000);
    expect(bucket.waitMs(4, 1_000)).toBe(0);
    bucket.take(4, 1_000);
    expect(bucket.waitMs(3, 1_000)).toBe(1_500);
    expect(bucket.waitMs(5, 1_000)).toBe(Number.POSITIVE_INFINITY);
  });

  it('a clock that goes backwards refills nothing and drains nothing', () => {
    const bucket = new TokenBucket(10, 10, 5_000);
    bucket.take(5, 5_000);
    expect(bucket.take(5, 4_000)).toBe(true);
    expect(bucket.take(1, 4_000)).toBe(false);
  });

  it('refilled: adds what the elapsed time earns, up to capacity, and nothing for negative time', () => {
    expect(refilled(1, 10, 0.005, 400)).toBe(3);
    expect(refilled(9, 10, 0.005, 400)).toBe(10);
    expect(refilled(4, 10, 0.005, -1_000)).toBe(4);
  });
});
