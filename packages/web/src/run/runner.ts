import type { BrowserRunLanguage, RunStream } from '@pairwise/protocol';

/**
 * Runs code on this machine (the clicker's): JavaScript and TypeScript in a sandboxed Web Worker,
 * Python with Pyodide in a worker. The room's run (useRuns) reports what it emits to the server,
 * which shares it with everyone in the room.
 */
export interface CodeRunner {
  readonly language: BrowserRunLanguage;
  /**
   * Runs `code` to its end, the time limit, or `stop()`. Output arrives through `onOutput` in order;
   * a program reading stdin asks `readStdin` (the runner's own user types the line).
   */
  run(code: string, io: RunIo): Promise<RunEnd>;
  /** Stops the run in progress (no-op when none); its `run` promise resolves with `stopped`. */
  stop(): void;
  /** Loads what the first run needs ahead of time (the interpreter, a warm worker). */
  warmUp(): Promise<void>;
  dispose(): void;
}

export interface RunIo {
  onOutput(stream: Exclude<RunStream, 'stdin'>, text: string): void;
  /** One line of input (without its newline), or null at end of input. */
  readStdin(prompt: string): Promise<string | null>;
  /** Milliseconds before the run is stopped as `timed-out`. */
  timeLimitMs: number;
}

export interface RunEnd {
  status: 'exited' | 'failed' | 'stopped' | 'timed-out';
  /** 0 for a clean exit, 1 for an uncaught error, the program's own code where the language has one; null when stopped. */
  exitCode: number | null;
}
