/** One result cell: a value, or why there is none (a failure must be visible, never a blank). */
export type Cell = string;

export interface Table {
  title: string;
  columns: readonly string[];
  rows: ReadonlyArray<readonly [label: string, ...cells: Cell[]]>;
  notes?: readonly string[];
}

/** Metrics down, servers across, right-aligned numbers. */
export function formatTable({ title, columns, rows, notes = [] }: Table): string {
  const header = ['', ...columns];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const rule = '-'.repeat(widths.reduce((a, b) => a + b + 2, -2));
  return [`\n## ${title}`, line(header), rule, ...rows.map(line), ...notes.map((n) => `  ${n}`)].join('\n');
}

export const fmt = {
  ms: (v: number): string => (Number.isFinite(v) ? (v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0)) : '-'),
  int: (v: number): string => (Number.isFinite(v) ? Math.round(v).toLocaleString('en-US') : '-'),
  mb: (bytes: number): string => (Number.isFinite(bytes) ? (bytes / 1024 / 1024).toFixed(1) : '-'),
  kb: (bytes: number): string => (Number.isFinite(bytes) ? (bytes / 1024).toFixed(1) : '-'),
  pct: (v: number): string => (Number.isFinite(v) ? `${v.toFixed(0)}%` : '-'),
};
