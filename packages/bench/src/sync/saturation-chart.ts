import type { Comparison } from './compare.js';
import { type SaturationResult, standingSteps } from './scenarios/saturation.js';
import { SERVER_LABELS } from './servers.js';

export interface Point {
  x: number;
  y: number;
}

export interface Series {
  label: string;
  points: readonly Point[];
}

/** Where the plot sits in the picture and the value ranges its edges stand for (y on a log scale). */
export interface Layout {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
  xMax: number;
  yMin: number;
  yMax: number;
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];
const X_TICKS = 5;

/** x from 0 to a round number above every point; y from the decade below the least to the decade above the most. */
export function layoutFor(series: readonly Series[], boundMs: number): Layout {
  const points = series.flatMap((s) => s.points).filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y) && p.y > 0);
  const ys = [...points.map((p) => p.y), boundMs];
  return {
    width: 720,
    height: 440,
    left: 70,
    right: 170,
    top: 40,
    bottom: 60,
    xMax: roundUp(Math.max(1, ...points.map((p) => p.x))),
    yMin: 10 ** Math.floor(Math.log10(Math.min(...ys))),
    yMax: 10 ** Math.ceil(Math.log10(Math.max(...ys) * 1.0001)),
  };
}

/** 1, 2 or 5 times a power of ten, at or above `value`. */
function roundUp(value: number): number {
  const decade = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 5, 10].find((m) => m * decade >= value) ?? 10;
  return step * decade;
}

/** Pixel position of a data point; y values outside the range are clamped to its edges. */
export function toPixels(layout: Layout, point: Point): { px: number; py: number } {
  const plotWidth = layout.width - layout.left - layout.right;
  const plotHeight = layout.height - layout.top - layout.bottom;
  const y = Math.min(layout.yMax, Math.max(layout.yMin, point.y));
  const share = Math.log10(y / layout.yMin) / Math.log10(layout.yMax / layout.yMin);
  return { px: layout.left + (point.x / layout.xMax) * plotWidth, py: layout.top + (1 - share) * plotHeight };
}

/** The chart as SVG text: p99 (log scale) against delivered updates/s, one line per series, the bound dashed. */
export function latencyChartSvg(title: string, series: readonly Series[], boundMs: number): string {
  const layout = layoutFor(series, boundMs);
  const { width, height, left, right, top, bottom } = layout;
  const x0 = left;
  const x1 = width - right;
  const y0 = height - bottom;
  const at = (point: Point): string => {
    const { px, py } = toPixels(layout, point);
    return `${px.toFixed(1)},${py.toFixed(1)}`;
  };
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="14">${escapeXml(title)}</text>`,
    `<line class="axis" x1="${x0}" y1="${y0}" x2="${x1}" y2="${y0}" stroke="black"/>`,
    `<line class="axis" x1="${x0}" y1="${top}" x2="${x0}" y2="${y0}" stroke="black"/>`,
  ];
  for (let i = 0; i <= X_TICKS; i++) {
    const value = (layout.xMax * i) / X_TICKS;
    const { px } = toPixels(layout, { x: value, y: layout.yMin });
    parts.push(`<text x="${px.toFixed(1)}" y="${y0 + 18}" text-anchor="middle">${Math.round(value).toLocaleString('en-US')}</text>`);
  }
  for (let y = layout.yMin; y <= layout.yMax * 1.0001; y *= 10) {
    const { py } = toPixels(layout, { x: 0, y });
    parts.push(`<line x1="${x0}" y1="${py.toFixed(1)}" x2="${x1}" y2="${py.toFixed(1)}" stroke="#ddd"/>`);
    parts.push(`<text x="${x0 - 6}" y="${(py + 4).toFixed(1)}" text-anchor="end">${y >= 1 ? Math.round(y) : y.toPrecision(1)}</text>`);
  }
  const bound = toPixels(layout, { x: 0, y: boundMs }).py.toFixed(1);
  parts.push(`<line class="bound" x1="${x0}" y1="${bound}" x2="${x1}" y2="${bound}" stroke="#888" stroke-dasharray="6 4"/>`);
  parts.push(`<text x="${x1 - 4}" y="${Number(bound) - 4}" text-anchor="end" fill="#555">p99 bound ${boundMs} ms</text>`);
  parts.push(`<text class="x-label" x="${(x0 + x1) / 2}" y="${height - 18}" text-anchor="middle">delivered updates/s</text>`);
  parts.push(
    `<text class="y-label" x="18" y="${(top + y0) / 2}" text-anchor="middle" transform="rotate(-90 18 ${(top + y0) / 2})">p99 propagation, ms (log scale)</text>`,
  );
  series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length] ?? 'black';
    const points = s.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
    parts.push(
      `<polyline fill="none" stroke="${color}" stroke-width="2" points="${points.map(at).join(' ')}"><title>${escapeXml(s.label)}</title></polyline>`,
    );
    for (const p of points) parts.push(`<circle cx="${at(p).split(',')[0]}" cy="${at(p).split(',')[1]}" r="3" fill="${color}"/>`);
    const legendY = top + 10 + i * 20;
    parts.push(`<line x1="${x1 + 16}" y1="${legendY}" x2="${x1 + 36}" y2="${legendY}" stroke="${color}" stroke-width="2"/>`);
    parts.push(`<text x="${x1 + 42}" y="${legendY + 4}">${escapeXml(s.label)}</text>`);
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * One line per server: the steps of its median run (by max sustained updates/s), each at its
 * delivered updates/s and p99, by load.
 */
export function saturationSeries(comparison: Comparison<SaturationResult>): Series[] {
  return [...comparison.runs].flatMap(([kind, outcomes]) => {
    const done = outcomes.flatMap((o) => (o.ok ? [o.value] : [])).sort((a, b) => a.maxSustainedPerSecond - b.maxSustainedPerSecond);
    const median = done[Math.floor((done.length - 1) / 2)];
    if (!median) return [];
    // Refinement steps come after the one that failed: in order of load, the line reads left to right.
    const points = standingSteps(median.steps)
      .map((s) => ({ x: s.deliveredPerSecond, y: s.p99Ms }))
      .sort((a, b) => a.x - b.x);
    return [{ label: SERVER_LABELS[kind], points }];
  });
}
