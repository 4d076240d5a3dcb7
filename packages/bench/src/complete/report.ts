import type { TypingStats } from './simulate.js';

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)]!;
}

export interface Row {
  readonly language: string;
  readonly files: number;
  readonly stats: TypingStats;
}

export function formatTable(rows: readonly Row[]): string {
  const header = ['language', 'files', 'chars', 'baseline keys', 'keys used', 'saved %', 'shown', 'accepted %', 'p50 ms', 'p99 ms'];
  const body = rows.map(({ language, files, stats }) => {
    const sorted = [...stats.latenciesMs].sort((a, b) => a - b);
    const saved = stats.baseline === 0 ? 0 : (100 * (stats.baseline - stats.keystrokes)) / stats.baseline;
    const acceptance = stats.shown === 0 ? 0 : (100 * stats.accepted) / stats.shown;
    return [
      language,
      String(files),
      String(stats.chars),
      String(stats.baseline),
      String(stats.keystrokes),
      saved.toFixed(1),
      String(stats.shown),
      acceptance.toFixed(1),
      percentile(sorted, 50).toFixed(3),
      percentile(sorted, 99).toFixed(3),
    ];
  });
  return alignColumns([header, ...body]);
}

export function alignColumns(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ')).join('\n');
}
