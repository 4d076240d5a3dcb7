#!/usr/bin/env bash
# Samples one bench server with Linux perf (software clock: works where hardware counters do not) and
# prints, per thread, its samples by kind: kernel, V8 builtins (inline caches, calls), V8 runtime, JSON,
# GC, JIT-compiled JavaScript by file, then each thread's samples per 2 s (steady state apart from
# thread start-ups and JIT bursts). Unlike --cpu-prof, which on a virtual machine saw a few percent
# of the event loop's CPU that /proc counted, this sees all of it (issue 9).
#
#   bench/profiling/perf-threads.sh pairwise-sqlite [scenario] [seconds]
# Needs perf (Debian: linux-perf) and a built bench (npm run build).
set -euo pipefail
server=${1:?usage: perf-threads.sh <server kind> [scenario] [seconds]}
scenario=${2:-pairs}
seconds=${3:-5}
out=$(mktemp -d)
pid=''
trap 'rm -rf "$out"; [ -n "$pid" ] && rm -f "/tmp/perf-$pid.map"' EXIT
ulimit -n 20000
# The V8 log --perf-basic-prof also writes goes to the temporary folder, not the working directory.
SYNC_BENCH_SERVER_NODE_ARGS="--perf-basic-prof --no-logfile-per-isolate --logfile=$out/v8.log" node packages/bench/dist/sync.bench.js \
  only="$scenario" servers="$server" rooms=100 runs=1 seconds=$((seconds + 8)) out="$out/results" >"$out/bench.log" 2>&1 &
bench=$!
for _ in $(seq 1 50); do
  pid=$(pgrep -f "server-main.js $server" | head -1 || true)
  [ -n "$pid" ] && break
  sleep 0.2
done
[ -n "$pid" ] || { echo "no $server process appeared" >&2; exit 1; }
# Past start-up and the clients' handshakes, once the JIT has settled.
sleep 6
perf record -q -e cpu-clock -F 2000 -g -p "$pid" -o "$out/perf.data" -- sleep "$seconds" 2>/dev/null
wait "$bench" || true
# Name each sample by the code at its address when it ran, not by start-up code collected since.
node "$(dirname "$0")/perf-map-latest.mjs" "/tmp/perf-$pid.map"
grep -E '^  run 1/1' "$out/bench.log" || true
for tid in $(perf script -i "$out/perf.data" -F tid 2>/dev/null | sort | uniq -c | sort -rn | awk '$1 > 20 {print $2}'); do
  echo "== thread $tid$([ "$tid" = "$pid" ] && echo ' (event loop)')"
  perf report -i "$out/perf.data" --tid "$tid" --no-children --sort sym -q -g none -F sample,sym 2>/dev/null | awk '
    { n = $1; s = $0
      if (s ~ /\[k\]/) k = "kernel"
      else if (s ~ /JS:/) { match(s, /(file:\/\/|node:|\/)[^ :]+/); k = "js " substr(s, RSTART, RLENGTH); sub(/ [^ ]*node_modules\//, " ", k); sub(/ [^ ]*packages\//, " ", k) }
      else if (s ~ /Builtins_/) k = "v8 builtins"
      else if (s ~ /Json/) k = "v8 json"
      else if (s ~ /Scaveng|Marking|Sweep|Evacuat|MemoryAllocator|Heap::/) k = "v8 gc"
      else if (s ~ /compiler::|Maglev|Baseline|Compil/) k = "v8 compiler"
      else if (s ~ /v8::/) k = "v8 runtime"
      else if (s ~ /sqlite3/) k = "sqlite"
      else if (s ~ /uv_|uv__/) k = "libuv"
      else k = "native other"
      total[k] += n; all += n }
    END { for (k in total) printf "%7d  %s\n", total[k], k; printf "%7d  all\n", all }' | sort -rn | head -25
done
# Where each thread's samples fall in time: thread start-ups (a compaction thread's first rebuild
# parses Yjs) and JIT bursts show apart from the steady state that a run's totals mix them with.
echo "== samples per 2 s, by thread (the first column is the event loop)"
perf script -i "$out/perf.data" -F tid,time 2>/dev/null | awk -v main="$pid" '
  { t = $2 + 0; if (NR == 1) t0 = t; b = int((t - t0) / 2); n[b, $1]++; total[$1]++; if (b > last) last = b }
  END {
    order[1] = main; k = 1
    for (tid in total) if (tid != main && total[tid] > 20) order[++k] = tid
    printf "%6s", "s"; for (i = 1; i <= k; i++) printf "%8s", order[i]; print ""
    for (b = 0; b <= last; b++) { printf "%6d", b * 2; for (i = 1; i <= k; i++) printf "%8d", n[b, order[i]]; print "" }
  }'
