#!/usr/bin/env node
/**
 * Prints a `survivors-preload.mjs` profile: sampled bytes by allocating function, then by the last
 * six frames of the allocation stack.  node bench/profiling/survivors-report.mjs <profile.json> [rows]
 */
import { readFileSync } from 'node:fs';

const [file, rows = '25'] = process.argv.slice(2);
if (!file) {
  console.error('usage: survivors-report.mjs <profile.json> [rows]');
  process.exit(2);
}
const { head } = JSON.parse(readFileSync(file, 'utf8'));
const byFunction = new Map();
const byStack = new Map();
let total = 0;
const add = (map, key, bytes) => map.set(key, (map.get(key) ?? 0) + bytes);

(function walk(node, stack) {
  const { functionName, url, lineNumber } = node.callFrame;
  const frame = `${functionName || '(anonymous)'} ${url.split('/').slice(-2).join('/')}:${lineNumber + 1}`;
  const frames = [...stack, frame];
  if (node.selfSize > 0) {
    total += node.selfSize;
    add(byFunction, frame, node.selfSize);
    add(byStack, frames.slice(-6).join(' < '), node.selfSize);
  }
  for (const child of node.children) walk(child, frames);
})(head, []);

const top = (map) => [...map].sort((a, b) => b[1] - a[1]).slice(0, Number(rows));
const mb = (bytes) => `${(bytes / 1e6).toFixed(2).padStart(7)} MB`;
console.log(`sampled bytes that outlived a scavenge: ${mb(total)}`);
for (const [frame, bytes] of top(byFunction)) console.log(mb(bytes), frame);
console.log('\nby stack (innermost last):');
for (const [stack, bytes] of top(byStack)) console.log(mb(bytes), stack);
