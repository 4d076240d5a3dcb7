#!/usr/bin/env node
/**
 * Reads V8's `--trace-gc-nvp` lines of a bench run and prints, for the busiest isolate, each
 * garbage collection between two moments, then a summary. `promoted` is what a scavenge moved to
 * the old generation: objects that outlived two scavenges, or that a dead old-generation object
 * still pointed to (how issue 9's group-commit maps got every write promoted).
 *
 *   SYNC_BENCH_SERVER_STDOUT=inherit SYNC_BENCH_SERVER_NODE_ARGS=--trace-gc-nvp \
 *     node packages/bench/dist/sync.bench.js only=pairs servers=pairwise-sqlite rooms=100 runs=1 seconds=8 > gc.log
 *   node bench/profiling/gc-nvp.mjs gc.log [fromMs] [toMs]
 */
import { readFileSync } from 'node:fs';

const [file, from = '0', to = 'Infinity'] = process.argv.slice(2);
if (!file) {
  console.error('usage: gc-nvp.mjs <log> [fromMs] [toMs]');
  process.exit(2);
}
const LINE = /^\[(\d+:0x[0-9a-f]+)\]\s+(\d+) ms: (.*pause=.*)$/;
const byIsolate = new Map();
for (const line of readFileSync(file, 'utf8').split('\n')) {
  const match = LINE.exec(line);
  if (!match) continue;
  const fields = Object.fromEntries([...match[3].matchAll(/(\w+)=([\w.%-]+)/g)].map((m) => [m[1], m[2]]));
  const events = byIsolate.get(match[1]) ?? [];
  events.push({ ms: Number(match[2]), ...fields });
  byIsolate.set(match[1], events);
}
const busiest = [...byIsolate.values()].sort((a, b) => b.length - a.length)[0] ?? [];
const window = busiest.filter((e) => e.ms >= Number(from) && e.ms <= Number(to));
const mb = (bytes) => (Number(bytes) / 1e6).toFixed(2);
for (const e of window) {
  console.log(
    `${String(e.ms).padStart(7)} ms  ${e.gc.padEnd(3)} pause ${String(e.pause).padStart(5)} ms  allocated ${mb(e.allocated)} MB  promoted ${mb(e.promoted)} MB`,
  );
}
const scavenges = window.filter((e) => e.gc === 's');
const sum = (list, key) => list.reduce((total, e) => total + Number(e[key] ?? 0), 0);
const span = scavenges.length > 1 ? (scavenges.at(-1).ms - scavenges[0].ms) / (scavenges.length - 1) : 0;
console.log(
  `${scavenges.length} scavenges, one every ${span.toFixed(0)} ms, ${mb(sum(scavenges, 'promoted') / Math.max(1, scavenges.length))} MB promoted each, ` +
    `pauses ${(sum(scavenges, 'pause') / Math.max(1, scavenges.length)).toFixed(1)} ms on average; ` +
    `${window.length - scavenges.length} full collections, ${sum(
      window.filter((e) => e.gc !== 's'),
      'pause',
    ).toFixed(0)} ms of pauses`,
);
