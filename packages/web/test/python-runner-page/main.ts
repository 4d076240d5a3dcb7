import { PythonRunner } from '../../src/run/python/python-runner';
import type { RunEnd } from '../../src/run/runner';

/**
 * A page for python-runner.test.ts only, built on its own (never part of the app's build): it
 * drives the real PythonRunner, and the test reads the results through `window.pythonRunnerTest`.
 */

export interface StartOptions {
  /** Lines typed at each `input()`, in order; past them, end of input. `'never'`: nobody answers. */
  stdin?: string[] | 'never';
  timeLimitMs?: number;
}

export interface RunRecord {
  end: RunEnd | null;
  stdout: string;
  stderr: string;
  /** The prompt each `input()` showed. */
  prompts: string[];
  /** From `run()` to its end. */
  ms: number;
}

export interface PythonRunnerTest {
  warmUp(): Promise<number>;
  start(code: string, options?: StartOptions): void;
  /** The current run so far. */
  current(): RunRecord;
  /** Waits for the current run's end. */
  finished(): Promise<RunRecord>;
  stop(): void;
}

const runner = new PythonRunner();
let record: RunRecord = { end: null, stdout: '', stderr: '', prompts: [], ms: 0 };
let running: Promise<RunRecord> = Promise.resolve(record);

const api: PythonRunnerTest = {
  async warmUp() {
    const started = performance.now();
    await runner.warmUp();
    return performance.now() - started;
  },
  start(code, options = {}) {
    const stdin = options.stdin ?? [];
    const thisRun: RunRecord = { end: null, stdout: '', stderr: '', prompts: [], ms: 0 };
    record = thisRun;
    const started = performance.now();
    running = runner
      .run(code, {
        timeLimitMs: options.timeLimitMs ?? 10_000,
        onOutput: (stream, text) => {
          thisRun[stream] += text;
        },
        readStdin: (prompt) => {
          thisRun.prompts.push(prompt);
          if (stdin === 'never') return new Promise<never>(() => undefined);
          return Promise.resolve(stdin.shift() ?? null);
        },
      })
      .then((end) => {
        thisRun.end = end;
        thisRun.ms = performance.now() - started;
        return thisRun;
      });
  },
  current: () => record,
  finished: () => running,
  stop: () => runner.stop(),
};
(window as unknown as { pythonRunnerTest: PythonRunnerTest }).pythonRunnerTest = api;
