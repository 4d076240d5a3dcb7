/**
 * Reads the Prometheus text format into series → value, each series named as written
 * (`name` or `name{label="value"}`), so tests can ask for exactly what a scraper would see.
 */
export function parseExposition(text: string): Map<string, number> {
  const series = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const split = line.lastIndexOf(' ');
    series.set(line.slice(0, split), Number(line.slice(split + 1)));
  }
  return series;
}

/** The value of one series; fails loudly if the exposition does not have it. */
export function seriesValue(series: ReadonlyMap<string, number>, name: string): number {
  const value = series.get(name);
  if (value === undefined) throw new Error(`no series ${name} in the metrics`);
  return value;
}
