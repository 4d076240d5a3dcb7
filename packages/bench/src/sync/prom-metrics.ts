/**
 * Reads Pairwise's own Prometheus exposition (`GET /metrics`): the server already times every
 * storage write and counts what it stored, so the benchmark does not have to guess from outside.
 */

/** One scrape: every sample, keyed by its name and labels exactly as exposed (`name{le="0.1"}`). */
export type MetricSamples = ReadonlyMap<string, number>;

const SAMPLE_LINE = /^([a-zA-Z_:][\w:]*(?:\{[^}]*\})?)\s+(\S+)/;

export function parseExposition(text: string): MetricSamples {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = SAMPLE_LINE.exec(line);
    if (match?.[1] !== undefined) samples.set(match[1], Number(match[2]));
  }
  return samples;
}

export async function scrapeMetrics(httpUrl: string): Promise<MetricSamples> {
  const response = await fetch(`${httpUrl}/metrics`);
  if (!response.ok) throw new Error(`GET /metrics answered ${response.status}`);
  return parseExposition(await response.text());
}

/** A counter's or gauge's value (0 if absent: prom-client omits nothing, but an old server might). */
export function sampleValue(samples: MetricSamples, name: string): number {
  return samples.get(name) ?? 0;
}

/** How much a counter grew between two scrapes. */
export function counterDelta(before: MetricSamples, after: MetricSamples, name: string): number {
  return sampleValue(after, name) - sampleValue(before, name);
}

/**
 * The q-quantile of what a histogram observed between two scrapes, in its own unit, interpolated
 * linearly within the bucket it falls in, as Prometheus' `histogram_quantile` does: only as precise
 * as the buckets. NaN if nothing was observed; the highest finite bound if it falls in `+Inf`.
 */
export function histogramQuantile(before: MetricSamples, after: MetricSamples, name: string, q: number): number {
  const buckets = bucketDeltas(before, after, name);
  const total = buckets[buckets.length - 1]?.count ?? 0;
  if (total === 0) return Number.NaN;
  const rank = q * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const { le, count } of buckets) {
    if (count >= rank) {
      if (le === Number.POSITIVE_INFINITY) return lowerBound;
      return lowerBound + ((le - lowerBound) * (rank - lowerCount)) / Math.max(count - lowerCount, 1);
    }
    lowerBound = le;
    lowerCount = count;
  }
  return lowerBound;
}

/** Cumulative bucket counts observed between the scrapes, by upper bound, ascending. */
function bucketDeltas(before: MetricSamples, after: MetricSamples, name: string): Array<{ le: number; count: number }> {
  const prefix = `${name}_bucket{le="`;
  const buckets: Array<{ le: number; count: number }> = [];
  for (const [key, value] of after) {
    if (!key.startsWith(prefix)) continue;
    const bound = key.slice(prefix.length, key.indexOf('"', prefix.length));
    buckets.push({ le: bound === '+Inf' ? Number.POSITIVE_INFINITY : Number(bound), count: value - (before.get(key) ?? 0) });
  }
  return buckets.sort((a, b) => a.le - b.le);
}
