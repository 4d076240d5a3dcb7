#!/usr/bin/env node
/**
 * Rewrites a V8 `--perf-basic-prof` map (/tmp/perf-<pid>.map) so that where two entries overlap, the
 * later one wins. V8 reuses code space: code compiled at start-up and since collected leaves its
 * entry behind, and perf names a sample by the first entry covering its address, so a profile of a
 * long run charged the hot message handler to `cjs-module-lexer` and `path.normalizeString` (issue 9).
 * Profiles taken after start-up want the latest code at each address; perf-threads.sh runs this.
 *
 *   node bench/profiling/perf-map-latest.mjs /tmp/perf-<pid>.map
 */
import { readFileSync, writeFileSync } from 'node:fs';

const file = process.argv[2];
if (!file) {
  console.error('usage: perf-map-latest.mjs /tmp/perf-<pid>.map');
  process.exit(2);
}
const entries = readFileSync(file, 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((line) => {
    const [, start, size, name] = /^([0-9a-f]+) ([0-9a-f]+) (.*)$/.exec(line) ?? [];
    return { start: Number.parseInt(start, 16), end: Number.parseInt(start, 16) + Number.parseInt(size, 16), line, name };
  })
  .filter((entry) => entry.name !== undefined);
// Later entries first: an entry is kept unless a later one overlaps it (sorted by start, checked
// against the kept neighbours).
const kept = [];
for (const entry of entries.reverse()) {
  const overlapped = kept.some((other) => other.start < entry.end && entry.start < other.end);
  if (!overlapped) kept.push(entry);
}
kept.sort((a, b) => a.start - b.start);
writeFileSync(file, `${kept.map((entry) => entry.line).join('\n')}\n`);
console.error(`${file}: ${entries.length} entries, ${kept.length} after dropping those later code replaced`);
