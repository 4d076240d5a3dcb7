import { GENERATOR_CPU_LIMIT_PCT } from '../compare-report.js';
import type { ComparedScenario, Metric, RunResult } from '../compared-scenario.js';
import { checkRooms, type RoomClients } from '../rooms.js';
import type { Scope } from '../scope.js';
import type { ServerHandle } from '../servers.js';
import { cpuPressureMeter, SampleBuffer, summarize } from '../stats.js';
import { fmt } from '../table.js';
import { generatorCpuMeter, typeOnSchedule } from '../typing.js';
import { waitQuiet, waitUntil } from '../wait.js';
import { type PreparedTypist, prepareKeystrokes, preparedTypists, sendPrepared, sentCount, timePartners } from '../prepared-typists.js';
import { connectPairRooms, firstThenSecond } from './pairs.js';
import { keystrokesPerTypist, warmUp } from './warm-up.js';

export interface SaturationOptions {
  rooms: number;
  /** Keystrokes per second per typist in the first step; each step multiplies it by `growth`. */
  startCharsPerSecond: number;
  growth: number;
  stepMs: number;
  maxSteps: number;
  /**
   * After the climb stops on p99, how many rates between the last one sustained and the one that
   * failed (a growth factor apart) are tried, each the geometric middle of what is left: two put
   * the max within a quarter of the factor (x1.5 steps alone left it uncertain by half: 11,380 or
   * 17,070/s).
   */
  refineSteps: number;
  /** The latency bound: a step whose p99 passes it ends the climb. */
  p99LimitMs: number;
}

/** One rate of the climb: the chart's points and the table's source. */
export interface SaturationStep {
  charsPerSecond: number;
  offeredPerSecond: number;
  deliveredPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  serverCpuPct: number;
  serverCpuMsPer1000: number;
  generatorCpuPct: number;
  /** Every keystroke of the step reached its partner before the next step began. */
  drained: boolean;
  /** Share of the step's wall time some task on the machine waited for a CPU (PSI). */
  cpuPressurePct: number;
}

/** The steps that stand: a failed attempt that the same rate's retry replaced is left out. */
export function standingSteps(steps: readonly SaturationStep[]): SaturationStep[] {
  return steps.filter((s, i) => steps[i + 1]?.charsPerSecond !== s.charsPerSecond);
}

/** What ended the climb: the server's latency, the generator's core, or the last step. */
export const STOP_REASONS = ['p99', 'generator', 'last step'] as const;

export interface SaturationResult extends RunResult {
  steps: SaturationStep[];
  /** Delivered updates/s of the fastest step within the p99 bound with the generator under 80%. */
  maxSustainedPerSecond: number;
  cpuMsPer1000AtMax: number;
  p99AtMaxMs: number;
  stoppedBy: (typeof STOP_REASONS)[number];
  /** The first step that failed a bound (before any refinement); null when the climb ran out of steps. */
  endingStep: SaturationStep | null;
}

const STEP_DRAIN_MS = 2_000;
const FINAL_DRAIN_MS = 20_000;

const METRICS: readonly Metric<SaturationResult>[] = [
  {
    key: 'maxSustainedPerSecond',
    label: 'max updates/s with p99 <= bound',
    value: (r) => r.maxSustainedPerSecond,
    format: fmt.int,
    better: 'higher',
  },
  {
    key: 'cpuMsPer1000AtMax',
    label: 'server CPU ms / 1,000 at that rate',
    value: (r) => r.cpuMsPer1000AtMax,
    format: fmt.ms,
    better: 'lower',
  },
  { key: 'p99AtMaxMs', label: 'p99 ms at that rate', value: (r) => r.p99AtMaxMs, format: fmt.ms },
  { key: 'steps', label: 'steps climbed', value: (r) => standingSteps(r.steps).length, format: fmt.int },
  {
    key: 'cpuPressurePct',
    label: 'machine CPU pressure (PSI) max',
    value: (r) => Math.max(0, ...r.steps.map((s) => s.cpuPressurePct)),
    format: fmt.pct,
  },
  {
    key: 'stoppedBy',
    label: 'climb stopped by',
    value: (r) => STOP_REASONS.indexOf(r.stoppedBy),
    format: (v) => STOP_REASONS[Math.round(v)] ?? '-',
  },
  // The step that ended the climb, whatever ended it: when the generator gave out there, a server
  // whose own core was already full could not have sustained much more than that step delivered.
  {
    key: 'endingPerSecond',
    label: 'step that ended it: delivered/s',
    value: (r) => r.endingStep?.deliveredPerSecond ?? Number.NaN,
    format: fmt.int,
  },
  {
    key: 'endingServerCpuPct',
    label: 'step that ended it: server CPU',
    value: (r) => r.endingStep?.serverCpuPct ?? Number.NaN,
    format: fmt.pct,
  },
  { key: 'endingP99Ms', label: 'step that ended it: p99 ms', value: (r) => r.endingStep?.p99Ms ?? Number.NaN, format: fmt.ms },
];

/** Scenario 3 as one of the compared scenarios. */
export function saturationScenario(options: SaturationOptions): ComparedScenario<SaturationResult> {
  const first = options.rooms * 2 * options.startCharsPerSecond;
  return {
    name: 'saturation',
    title: `Saturation: ${options.rooms} pair rooms, typing rate x${options.growth} every ${options.stepMs / 1000} s from ${fmt.int(first)} keystrokes/s until p99 > ${options.p99LimitMs} ms`,
    metrics: METRICS,
    notes: [
      'Each step: every typist sends prepared one-character updates (+ a cursor update) on an open-loop schedule; partners time each on arrival and apply them after the run.',
      `Max updates/s: delivered/s of the fastest step with p99 <= ${options.p99LimitMs} ms, everything delivered, and the generator under ${GENERATOR_CPU_LIMIT_PCT}%.`,
      `A warm-up at the first rate comes before the climb and is not counted (until the server's JIT settled: warm-up.ts). A rate whose p99 passes the bound is tried once more (a stall on a shared machine is not saturation); it stops the climb only if it fails again.`,
      `After a p99 failure, ${options.refineSteps} rate(s) between the last one sustained and the one that failed are tried (geometric middles), each halving the uncertainty of the max.`,
      `"stopped by generator": the load generator ran out of core first, so the max is the generator's bound, not the server's (the run is then marked invalid).`,
      'Server CPU per step: its CPU time from the step start until every keystroke arrived. Chart: <results>-saturation.svg.',
    ],
    run: (server, scope) => runSaturation(server, options, scope),
  };
}

/**
 * Scenario 3, saturation: pair rooms whose typing rate climbs step by step until the p99
 * propagation passes the bound, a step cannot deliver everything in time, or the generator's core
 * runs out. Senders and receivers are the cheap kind (prepared updates, kept not applied), so the
 * server, not this process, should be what gives out first.
 */
export async function runSaturation(server: ServerHandle, options: SaturationOptions, scope: Scope): Promise<SaturationResult> {
  const rooms = await connectPairRooms(server, options.rooms, scope);
  await waitQuiet(() => server.cpuMs());
  const rates = Array.from({ length: options.maxSteps }, (_, i) => options.startCharsPerSecond * options.growth ** i);
  // Room for the longest warm-up and every rate twice (a rate that fails is tried once more), refinements included.
  const keystrokes = (rate: number, ms: number): number => Math.ceil((rate * ms) / 1000) + 1;
  const warmUpKeystrokes = keystrokesPerTypist(options.startCharsPerSecond, 0);
  const lastRate = rates[rates.length - 1] ?? 0;
  const capacity =
    warmUpKeystrokes +
    2 *
      (rates.reduce((sum, rate) => sum + keystrokes(rate, options.stepMs), 0) + options.refineSteps * keystrokes(lastRate, options.stepMs));
  const typists = preparedTypists(firstThenSecond(rooms), capacity, scope);
  // Each step times its own keystrokes; `delivered` counts every arrival for the final check.
  let current = new SampleBuffer();
  let delivered = 0;
  timePartners(typists, options.rooms, {
    push: (latency) => {
      current.push(latency);
      delivered++;
    },
  });
  // The warm-up every typing window has (warm-up.ts): typed and checked, not counted.
  prepareKeystrokes(typists, warmUpKeystrokes);
  await warmUp(server, typists.length, options.startCharsPerSecond, scope, (i) => {
    const typist = typists[i];
    if (typist) sendPrepared(typist);
  });
  await waitUntil(() => delivered >= sentCount(typists), 'the warm-up to drain', STEP_DRAIN_MS, 2).catch(() => {});
  const steps: SaturationStep[] = [];
  const step = async (rate: number): Promise<SaturationStep> => {
    current = new SampleBuffer();
    const result = await climbStep(server, typists, rate, options.stepMs, () => current, scope);
    steps.push(result);
    return result;
  };
  const attempt = async (rate: number): Promise<SaturationStep> => {
    const first = await step(rate);
    // On a shared machine one stall can push a step's p99 over: a rate fails only if it fails twice.
    return stepFailure(first, options) === 'p99' && first.drained ? step(rate) : first;
  };
  const { stoppedBy, endingStep } = await climb(rates, attempt, options);
  const typed = sentCount(typists);
  const problems = await finalCheck(server, rooms, typed, () => delivered, scope);
  return summarizeClimb(steps, options, stoppedBy, endingStep, problems);
}

/**
 * Tries `rates` in order until one fails a bound; after a p99 failure, refines between the last rate
 * sustained and the failed one (`refineSteps` geometric halvings). Says what ended the climb.
 */
export async function climb(
  rates: readonly number[],
  attempt: (rate: number) => Promise<SaturationStep>,
  options: Pick<SaturationOptions, 'p99LimitMs' | 'refineSteps'>,
): Promise<Pick<SaturationResult, 'stoppedBy' | 'endingStep'>> {
  let sustainedRate: number | null = null;
  for (const rate of rates) {
    const step = await attempt(rate);
    const failure = stepFailure(step, options);
    if (!failure) {
      sustainedRate = rate;
      continue;
    }
    if (failure === 'p99' && sustainedRate !== null) await refine(sustainedRate, rate, attempt, options);
    return { stoppedBy: failure, endingStep: step };
  }
  return { stoppedBy: 'last step', endingStep: null };
}

async function refine(
  sustained: number,
  failed: number,
  attempt: (rate: number) => Promise<SaturationStep>,
  options: Pick<SaturationOptions, 'p99LimitMs' | 'refineSteps'>,
): Promise<void> {
  let [low, high] = [sustained, failed];
  for (let i = 0; i < options.refineSteps; i++) {
    const rate = Math.sqrt(low * high);
    const failure = stepFailure(await attempt(rate), options);
    if (failure === 'generator') return;
    if (failure === 'p99') high = rate;
    else low = rate;
  }
}

/** Which bound a step broke: the generator's core first (then nothing else can be told), else latency or delivery. */
function stepFailure(step: SaturationStep, options: Pick<SaturationOptions, 'p99LimitMs'>): 'generator' | 'p99' | null {
  if (step.generatorCpuPct > GENERATOR_CPU_LIMIT_PCT) return 'generator';
  if (!step.drained || step.p99Ms > options.p99LimitMs) return 'p99';
  return null;
}

/** One rate: type for `stepMs`, then wait (briefly) for every keystroke to arrive. */
async function climbStep(
  server: ServerHandle,
  typists: readonly PreparedTypist[],
  charsPerSecond: number,
  stepMs: number,
  latencies: () => SampleBuffer,
  scope: Scope,
): Promise<SaturationStep> {
  prepareKeystrokes(typists, Math.ceil((charsPerSecond * stepMs) / 1000) + 1);
  const sentBefore = sentCount(typists);
  const pressure = cpuPressureMeter();
  const serverCpuStart = server.cpuMs();
  const generatorCpu = generatorCpuMeter();
  const started = performance.now();
  await typeOnSchedule(typists.length, charsPerSecond, stepMs, scope, (i) => {
    const typist = typists[i];
    if (typist) sendPrepared(typist);
  });
  const generatorCpuPct = generatorCpu();
  const sent = sentCount(typists) - sentBefore;
  const drained = await waitUntil(() => latencies().length >= sent, 'the step to drain', STEP_DRAIN_MS, 2).then(
    () => true,
    () => false,
  );
  // The schedule's last keystroke leaves one gap before the step's end: count the whole step.
  const elapsedMs = Math.max(stepMs, performance.now() - started);
  const serverCpuMs = server.cpuMs() - serverCpuStart;
  const received = latencies();
  const latency = summarize(received.values());
  return {
    charsPerSecond,
    offeredPerSecond: charsPerSecond * typists.length,
    deliveredPerSecond: (received.length * 1000) / elapsedMs,
    p50Ms: latency.p50,
    p99Ms: latency.p99,
    serverCpuPct: (100 * serverCpuMs) / elapsedMs,
    serverCpuMsPer1000: (serverCpuMs * 1000) / received.length,
    generatorCpuPct,
    drained,
    cpuPressurePct: pressure(),
  };
}

/** After the climb: everything arrives (given time), every client applies what it kept, rooms converge. */
async function finalCheck(
  server: ServerHandle,
  rooms: readonly RoomClients[],
  typed: number,
  deliveries: () => number,
  scope: Scope,
): Promise<string[]> {
  await waitUntil(() => deliveries() >= typed, 'every keystroke to arrive', FINAL_DRAIN_MS, 10).catch(() => {});
  for (const client of rooms.flatMap((room) => room.clients)) client.applyKeptUpdates();
  return checkRooms(server, rooms, { typed, expectedDeliveries: typed, deliveries: deliveries() }, scope);
}

/** The fastest step within every bound; the generator's peak decides whether the run is valid. */
function summarizeClimb(
  steps: readonly SaturationStep[],
  options: SaturationOptions,
  stoppedBy: SaturationResult['stoppedBy'],
  endingStep: SaturationStep | null,
  problems: string[],
): SaturationResult {
  const sustained = steps.filter((s) => s.drained && s.p99Ms <= options.p99LimitMs && s.generatorCpuPct <= GENERATOR_CPU_LIMIT_PCT);
  const best = sustained.reduce<SaturationStep | undefined>(
    (a, s) => (a && a.deliveredPerSecond >= s.deliveredPerSecond ? a : s),
    undefined,
  );
  return {
    steps: [...steps],
    maxSustainedPerSecond: best?.deliveredPerSecond ?? 0,
    cpuMsPer1000AtMax: best?.serverCpuMsPer1000 ?? Number.NaN,
    p99AtMaxMs: best?.p99Ms ?? Number.NaN,
    stoppedBy,
    endingStep,
    generatorCpuPct: Math.max(0, ...steps.map((s) => s.generatorCpuPct)),
    problems,
  };
}
