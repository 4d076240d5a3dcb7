/**
 * Preload for a server under the bench: samples the allocations that outlive a scavenge (V8's heap
 * sampler keeping what only a full collection frees, and what is still alive; not what a scavenge
 * freed). That is what a scavenge copies and promotes, by allocation stack: how issue 9 found the
 * group commit's queue holding every keystroke's update through its window.
 *
 *   SURVIVORS_FROM_MS=9000 SURVIVORS_TO_MS=15000 SYNC_BENCH_SERVER_NODE_ARGS=--import=$PWD/bench/profiling/survivors-preload.mjs \
 *     node packages/bench/dist/sync.bench.js only=pairs servers=pairwise-sqlite rooms=500 runs=1 seconds=10
 *   node bench/profiling/survivors-report.mjs /tmp/survivors-<pid>.json
 *
 * The window is from the server process' start; pick one inside the typing (after the warm-up).
 * Sampling slows the server several-fold: read the bytes, not the run's latency or CPU.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

const fromMs = Number(process.env.SURVIVORS_FROM_MS ?? 9000);
const toMs = Number(process.env.SURVIVORS_TO_MS ?? 15000);
const out = `/tmp/survivors-${process.pid}.json`;
const session = new Session();
session.connect();
const post = (method, params = {}) =>
  new Promise((resolve, reject) => session.post(method, params, (err, result) => (err ? reject(err) : resolve(result))));

setTimeout(async () => {
  await post('HeapProfiler.enable');
  await post('HeapProfiler.startSampling', {
    samplingInterval: 4096,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: false,
  });
  setTimeout(async () => {
    const { profile } = await post('HeapProfiler.stopSampling');
    writeFileSync(out, JSON.stringify(profile));
  }, toMs - fromMs).unref();
}, fromMs).unref();
