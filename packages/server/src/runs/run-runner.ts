import type { HistoryAuthor, RunClientMessage } from '@pairwise/protocol';
import type { StoredRun } from '../storage/runs.js';
import type { SyncSocket } from '../sync/room.js';
import type { OutputCap } from './output-cap.js';
import type { RunRefusalCode } from './run-summary.js';

/** A run on this server's sandbox, as the RunService drives it. */
export interface SandboxRunner {
  kind: 'sandbox';
  /** Kills the run; it then reports its end (`stopped`), with `reason` as its message. */
  stop(reason?: string): void;
  input(text: string): void;
  endInput(): void;
}

/**
 * Who runs a run: a tab connected here (it reports output and exit over its socket), another
 * instance (heard over the bus; it stores and relays the run itself), or this server's sandbox.
 */
export type RunRunner = { kind: 'socket'; socket: SyncSocket } | { kind: 'remote' } | SandboxRunner;

/** A run going on now, here or on another instance. */
export interface RunningRun {
  run: StoredRun;
  runner: RunRunner;
  /** The life of the room the run started in (Room.incarnation): it ends when that life is deleted. */
  incarnation: string;
  /** Set once its room was deleted: from then on nothing of the run is stored or relayed. */
  roomDeleted: boolean;
  cap: OutputCap;
  /** Set once the store took the run: until then output is kept but not relayed (a refused start relays nothing). */
  announced: boolean;
  saver: NodeJS.Timeout | null;
  /** This run's writes, one at a time and in order. */
  writes: Promise<unknown>;
}

export function runningRun(run: StoredRun, runner: RunRunner, incarnation: string, announced: boolean): RunningRun {
  return {
    run,
    runner,
    incarnation,
    roomDeleted: false,
    cap: { bytes: 0, truncated: false },
    announced,
    saver: null,
    writes: Promise.resolve(),
  };
}

/** A run record as it starts. */
export function newRun(id: string, language: string, startedBy: HistoryAuthor, startedAt: number): StoredRun {
  return {
    id,
    language,
    startedBy,
    startedAt,
    finishedAt: null,
    status: 'running',
    exitCode: null,
    durationMs: null,
    output: [],
    outputBytes: 0,
    truncated: false,
  };
}

/** Whether `runner` is the tab behind `socket`. */
export function isSocketRunner(runner: RunRunner | undefined, socket: SyncSocket): boolean {
  return runner?.kind === 'socket' && runner.socket === socket;
}

/** An `input` run message: text for a server run's stdin. */
export type RunInput = Extract<RunClientMessage, { type: 'input' }>;

/**
 * Why `author` may not type into the run's stdin, or null when they may: only a run in this server's
 * sandbox takes input this way (a tab reads its own user's), and only from the person who started it.
 */
export function inputRefusal(running: RunningRun, author: HistoryAuthor): RunRefusalCode | null {
  if (running.runner.kind === 'remote') return 'run_elsewhere';
  if (running.runner.kind === 'socket') return 'not_server_run';
  return author.id === running.run.startedBy.id ? null : 'not_starter';
}
