import type { Outcome } from './outcome.js';
import type { FanoutResult } from './scenarios/fanout.js';
import type { KeystrokeResult } from './scenarios/keystroke.js';
import { fmt, type Table } from './table.js';

type Row = readonly [string, ...string[]];

/** One row: `cell` applied to each server's result, FAIL where the run failed. */
function row<T>(label: string, outcomes: readonly Outcome<T>[], cell: (value: T) => string): Row {
  return [label, ...outcomes.map((o) => (o.ok ? cell(o.value) : 'FAIL'))];
}

function failureNotes<T>(columns: readonly string[], outcomes: readonly Outcome<T>[], prefix = ''): string[] {
  return outcomes.flatMap((o, i) => (o.ok ? [] : [`FAIL ${prefix}${columns[i]}: ${o.error}`]));
}

function flag(ok: boolean, problems: string[]): string {
  return ok && problems.length === 0 ? 'ok' : problems.join('; ') || 'WRONG';
}

export function keystrokeTable(
  columns: readonly string[],
  sizes: readonly number[],
  outcomes: readonly Outcome<Outcome<KeystrokeResult>[]>[],
  rate: number,
  seconds: number,
): Table {
  const rows: Row[] = [];
  const notes: string[] = failureNotes(columns, outcomes);
  sizes.forEach((n, s) => {
    const perSize = outcomes.map((o): Outcome<KeystrokeResult> => (o.ok ? (o.value[s] ?? { ok: false, error: 'not run' }) : o));
    rows.push(
      row(`N=${n}  latency p50 ms`, perSize, (r) => fmt.ms(r.latency.p50)),
      row(`N=${n}  latency p99 ms`, perSize, (r) => fmt.ms(r.latency.p99)),
      row(`N=${n}  latency max ms`, perSize, (r) => fmt.ms(r.latency.max)),
      row(`N=${n}  delivered updates/s`, perSize, (r) => fmt.int(r.deliveredPerSecond)),
      row(`N=${n}  server CPU`, perSize, (r) => fmt.pct(r.serverCpuPct)),
      row(`N=${n}  server CPU us/delivery`, perSize, (r) => fmt.ms(r.serverCpuUsPerDelivery)),
      row(`N=${n}  server loop delay max ms`, perSize, (r) => fmt.ms(r.serverLoopDelay.maxMs)),
      row(`N=${n}  bench client CPU`, perSize, (r) => fmt.pct(r.clientCpuPct)),
      row(`N=${n}  check`, perSize, (r) =>
        flag(r.converged, [
          ...(r.deliveries < r.expectedDeliveries ? [`lost ${r.expectedDeliveries - r.deliveries}/${r.expectedDeliveries}`] : []),
          ...(r.converged ? [] : ['texts differ']),
          ...(r.disconnects > 0 ? [`${r.disconnects} disconnects`] : []),
        ]),
      ),
    );
    if (s < sizes.length - 1) rows.push(['', ...columns.map(() => '')]);
    notes.push(...perSize.flatMap((o, i) => (o.ok || !outcomes[i]?.ok ? [] : [`FAIL N=${n} ${columns[i]}: ${o.error}`])));
  });
  return {
    title: `Keystroke latency: N stock clients in one room, each typing ${rate} keys/s for ${seconds} s (insert -> every other client)`,
    columns,
    rows,
    notes: [
      'CPU is % of one core over the typing window; the bench client process runs all N providers.',
      'CPU time per delivery/frame is the figure to compare when the machine is busy: latency is not.',
      "Loop delay: how late the server process's event loop ran (monitorEventLoopDelay), worst case.",
      ...notes,
    ],
  };
}

export function fanoutTable(
  columns: readonly string[],
  outcomes: readonly Outcome<FanoutResult>[],
  readers: number,
  updates: number,
  window: number,
): Table {
  return {
    title: `Fan-out: 1 writer, ${readers} readers, ${updates.toLocaleString('en-US')} updates, at most ${window} in flight`,
    columns,
    rows: [
      row('updates/s per reader', outcomes, (r) => fmt.int(r.updatesPerSecondPerReader)),
      row('frames/s out (all readers)', outcomes, (r) => fmt.int(r.framesPerSecond)),
      row('send -> last reader p50 ms', outcomes, (r) => fmt.ms(r.allReadersLatency.p50)),
      row('send -> last reader p99 ms', outcomes, (r) => fmt.ms(r.allReadersLatency.p99)),
      row('server RSS before MB', outcomes, (r) => fmt.mb(r.memoryBefore.rss)),
      row('server RSS after MB', outcomes, (r) => fmt.mb(r.memoryAfter.rss)),
      row('server peak RSS MB', outcomes, (r) => fmt.mb(r.memoryAfter.peakRss)),
      row('server CPU', outcomes, (r) => fmt.pct(r.serverCpuPct)),
      row('server CPU us/frame out', outcomes, (r) => fmt.ms(r.serverCpuUsPerFrame)),
      row('server loop delay max ms', outcomes, (r) => fmt.ms(r.serverLoopDelay.maxMs)),
      row('bench client CPU', outcomes, (r) => fmt.pct(r.clientCpuPct)),
      row('check', outcomes, (r) => flag(r.correct, r.problem ? [r.problem] : [])),
    ],
    notes: [
      'RSS read in the server process after a forced GC; peak is VmHWM of a process started for this scenario.',
      ...failureNotes(columns, outcomes),
    ],
  };
}
