import { describe, expect, it } from 'vitest';
import { climb, type SaturationStep } from './saturation.js';

/** A server model: p99 passes 100 ms above `limit` keystrokes/s per typist; the generator's core passes 80% where `generatorBusy`. */
function model(limit: number, generatorBusy: (rate: number) => boolean = () => false) {
  const tried: number[] = [];
  const attempt = async (rate: number): Promise<SaturationStep> => {
    tried.push(Math.round(rate));
    return {
      charsPerSecond: rate,
      offeredPerSecond: rate * 200,
      deliveredPerSecond: rate * 200,
      p50Ms: 1,
      p99Ms: rate > limit ? 250 : 10,
      serverCpuPct: 50,
      serverCpuMsPer1000: 100,
      generatorCpuPct: generatorBusy(rate) ? 90 : 40,
      drained: true,
      cpuPressurePct: 0,
    };
  };
  return { tried, attempt };
}

const OPTIONS = { p99LimitMs: 100, refineSteps: 2 };

describe('climb', () => {
  it('after a p99 failure tries two geometric middles between the last rate sustained and the failed one', async () => {
    const server = model(1300);
    const result = await climb([1000, 1500, 2250], server.attempt, OPTIONS);
    expect(result.stoppedBy).toBe('p99');
    expect(result.endingStep?.charsPerSecond).toBe(1500);
    // sqrt(1000 x 1500) = 1225 holds, so the next is sqrt(1225 x 1500) = 1355, which fails.
    expect(server.tried).toEqual([1000, 1500, 1225, 1355]);
  });

  it('tries as many middles as it is given (--quick: one)', async () => {
    const server = model(1300);
    await climb([1000, 1500], server.attempt, { ...OPTIONS, refineSteps: 1 });
    expect(server.tried).toEqual([1000, 1500, 1225]);
  });

  it('narrows downwards when the first middle fails too', async () => {
    const server = model(1100);
    await climb([1000, 1500], server.attempt, OPTIONS);
    expect(server.tried).toEqual([1000, 1500, 1225, 1107]);
  });

  it('does not refine after the generator gave out: nothing above it can be told', async () => {
    const server = model(5000, (rate) => rate > 1200);
    const result = await climb([1000, 1500, 2250], server.attempt, OPTIONS);
    expect(result.stoppedBy).toBe('generator');
    expect(server.tried).toEqual([1000, 1500]);
  });

  it('stops refining when the generator gives out during it', async () => {
    const server = model(1300, (rate) => rate > 1200 && rate < 1400);
    const result = await climb([1000, 1500], server.attempt, OPTIONS);
    expect(result.stoppedBy).toBe('p99');
    expect(server.tried).toEqual([1000, 1500, 1225]);
  });

  it('says the climb ran out of rates when every one held, and refines nothing when the first failed', async () => {
    const all = model(10_000);
    expect(await climb([1000, 1500], all.attempt, OPTIONS)).toEqual({ stoppedBy: 'last step', endingStep: null });
    const none = model(500);
    expect((await climb([1000, 1500], none.attempt, OPTIONS)).stoppedBy).toBe('p99');
    expect(none.tried).toEqual([1000]);
  });
});
