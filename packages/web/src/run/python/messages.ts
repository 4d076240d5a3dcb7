/** What the Python runner (main thread) and its worker say to each other. */

export interface WorkerInit {
  type: 'init';
  /** Absolute URL of the directory the app serves Pyodide from, ending in `/`. */
  indexURL: string;
  /**
   * Shared memory, present only when the page is cross-origin isolated: the interrupt flag Pyodide
   * polls (a stop raises KeyboardInterrupt) and the channel a blocking `input()` waits on.
   */
  shared: { interrupt: SharedArrayBuffer; stdin: SharedArrayBuffer } | null;
}

export interface WorkerRun {
  type: 'run';
  runId: number;
  code: string;
}

export type MainToWorker = WorkerInit | WorkerRun;

export type WorkerToMain =
  | { type: 'ready' }
  | { type: 'load-failed'; message: string }
  | { type: 'output'; runId: number; stream: 'stdout' | 'stderr'; text: string }
  /** The program waits in `input()`; `prompt` is the unfinished last line of its stdout. */
  | { type: 'stdin-request'; runId: number; prompt: string }
  /**
   * The program ended: `exitCode` is 0, the SystemExit code, or 1 for an uncaught exception (a stop's
   * KeyboardInterrupt too). `broken`: Pyodide itself failed (not the program), so this interpreter
   * should not run another.
   */
  | { type: 'done'; runId: number; exitCode: number; broken: boolean };

/** The value Pyodide's interrupt buffer takes to raise KeyboardInterrupt (the number of SIGINT). */
export const SIGINT = 2;
