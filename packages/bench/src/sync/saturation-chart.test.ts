import { describe, expect, it } from 'vitest';
import type { Comparison } from './compare.js';
import { latencyChartSvg, layoutFor, type Series, saturationSeries, toPixels } from './saturation-chart.js';
import { type SaturationResult, type SaturationStep, saturationScenario } from './scenarios/saturation.js';

const SERIES: Series[] = [
  {
    label: 'pairwise/sqlite',
    points: [
      { x: 1000, y: 2 },
      { x: 2000, y: 5 },
      { x: 4000, y: 300 },
    ],
  },
  {
    label: 'a <peer> & co',
    points: [
      { x: 1000, y: 3 },
      { x: 1800, y: 150 },
    ],
  },
];

/** Every tag opened is closed, in order; returns the names of the elements met. */
function elementsOf(svg: string): string[] {
  const open: string[] = [];
  const seen: string[] = [];
  for (const [, closing, name, , selfClosing] of svg.matchAll(/<(\/?)([a-zA-Z]+)((?:\s+[\w:-]+="[^"<>]*")*)\s*(\/?)>/g)) {
    if (!name) continue;
    if (closing) expect(open.pop()).toBe(name);
    else {
      seen.push(name);
      if (!selfClosing) open.push(name);
    }
  }
  expect(open).toEqual([]);
  return seen;
}

describe('latencyChartSvg', () => {
  it('is well-formed: one svg, a polyline per server, both axis labels, escaped names', () => {
    const svg = latencyChartSvg('Saturation', SERIES, 100);
    const elements = elementsOf(svg);
    expect(elements.filter((e) => e === 'svg')).toHaveLength(1);
    expect(elements.filter((e) => e === 'polyline')).toHaveLength(2);
    expect(svg).toContain('delivered updates/s');
    expect(svg).toContain('p99 propagation, ms (log scale)');
    expect(svg).toContain('a &lt;peer&gt; &amp; co');
    // Nothing but the markup: no stray '<' or '&' from a label.
    expect(svg.replace(/<[^>]*>/g, '')).not.toMatch(/[<>]|&(?!amp;|lt;|gt;)/);
  });

  it('spans x from 0 to a round number and y over whole decades around the points and the bound', () => {
    expect(layoutFor(SERIES, 100)).toMatchObject({ xMax: 5000, yMin: 1, yMax: 1000 });
  });

  it('maps points onto the plot: corners, and a log-scale midpoint in the middle', () => {
    const layout = layoutFor(SERIES, 100);
    const bottomLeft = toPixels(layout, { x: 0, y: 1 });
    const topRight = toPixels(layout, { x: 5000, y: 1000 });
    expect(bottomLeft).toEqual({ px: layout.left, py: layout.height - layout.bottom });
    expect(topRight).toEqual({ px: layout.width - layout.right, py: layout.top });
    const middle = toPixels(layout, { x: 2500, y: Math.sqrt(1000) });
    expect(middle.px).toBeCloseTo((layout.left + layout.width - layout.right) / 2);
    expect(middle.py).toBeCloseTo((layout.top + layout.height - layout.bottom) / 2);
    // One decade is a third of the height here (1 to 1,000 ms).
    expect(toPixels(layout, { x: 0, y: 10 }).py).toBeCloseTo(
      layout.height - layout.bottom - (layout.height - layout.top - layout.bottom) / 3,
    );
  });

  it('draws each series through its points in order', () => {
    const svg = latencyChartSvg('Saturation', SERIES, 100);
    const layout = layoutFor(SERIES, 100);
    const first = /<polyline[^>]*points="([^"]*)"/.exec(svg)?.[1]?.split(' ');
    const expected = SERIES[0]?.points.map((p) => toPixels(layout, p)).map(({ px, py }) => `${px.toFixed(1)},${py.toFixed(1)}`);
    expect(first).toEqual(expected);
  });
});

function step(deliveredPerSecond: number, p99Ms: number, charsPerSecond: number): SaturationStep {
  return {
    charsPerSecond,
    offeredPerSecond: deliveredPerSecond,
    deliveredPerSecond,
    p50Ms: p99Ms / 4,
    p99Ms,
    serverCpuPct: 50,
    serverCpuMsPer1000: 200,
    generatorCpuPct: 30,
    drained: true,
    cpuPressurePct: 0,
  };
}

function result(max: number, steps: SaturationStep[]): SaturationResult {
  return {
    steps,
    maxSustainedPerSecond: max,
    cpuMsPer1000AtMax: 200,
    p99AtMaxMs: 10,
    stoppedBy: 'p99',
    endingStep: null,
    generatorCpuPct: 30,
    problems: [],
  };
}

describe('saturationSeries', () => {
  it("plots each server's median run by load, leaving out an attempt its retry replaced", () => {
    const scenario = saturationScenario({
      rooms: 1,
      startCharsPerSecond: 5,
      growth: 2,
      stepMs: 100,
      maxSteps: 3,
      refineSteps: 1,
      p99LimitMs: 100,
    });
    // The last step is a refinement, tried after the one that failed: the line still reads left to right.
    const median = result(2000, [step(1000, 5, 5), step(2000, 400, 10), step(2000, 20, 10), step(4000, 500, 20), step(2800, 60, 14)]);
    const comparison: Comparison<SaturationResult> = {
      scenario,
      runCount: 3,
      pinned: false,
      runs: new Map([
        [
          'pairwise-sqlite',
          [
            { ok: true, value: result(4000, [step(9, 9, 5)]) },
            { ok: true, value: median },
            { ok: true, value: result(1000, [step(1, 1, 5)]) },
          ],
        ],
        ['hocuspocus', [{ ok: false, error: 'crashed' }]],
      ]),
    };
    expect(saturationSeries(comparison)).toEqual([
      {
        label: 'pairwise/sqlite',
        points: [
          { x: 1000, y: 5 },
          { x: 2000, y: 20 },
          { x: 2800, y: 60 },
          { x: 4000, y: 500 },
        ],
      },
    ]);
  });
});
