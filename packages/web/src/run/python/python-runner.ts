import type { CodeRunner, RunEnd, RunIo } from '../runner';
import { type MainToWorker, SIGINT, type WorkerToMain } from './messages';
import { PausableTimer } from './pausable-timer';
import { pyodideIndexURL } from './pyodide-path';
import { createStdinBuffer, StdinWriter } from './stdin-channel';

/** How long a stopped program may take to react to KeyboardInterrupt before its worker is terminated. */
export const INTERRUPT_GRACE_MS = 1000;

interface Shared {
  interrupt: Int32Array;
  stdin: StdinWriter;
  buffers: { interrupt: SharedArrayBuffer; stdin: SharedArrayBuffer };
}

interface ActiveRun {
  id: number;
  io: RunIo;
  finish(end: RunEnd): void;
  /** Why the run is being stopped, once it is. */
  stopping: 'stopped' | 'timed-out' | null;
  timer: PausableTimer | null;
  graceTimer: ReturnType<typeof setTimeout> | null;
}

interface PythonWorker {
  worker: Worker;
  ready: Promise<void>;
}

/**
 * Runs Python with Pyodide in a worker, one program at a time. The interpreter loads once (a few
 * seconds) and serves every run; each run gets fresh globals. When the page is cross-origin
 * isolated, a stop or the time limit raises KeyboardInterrupt and `input()` blocks until the
 * runner's user answers; a program that ignores the interrupt for `INTERRUPT_GRACE_MS`, or any
 * stop without isolation, terminates the worker and a fresh one starts loading right away.
 */
export class PythonRunner implements CodeRunner {
  readonly language = 'python' as const;
  readonly #indexURL = pyodideIndexURL();
  /** Without cross-origin isolation there is no SharedArrayBuffer: stops terminate the worker, `input()` reads end of input. */
  readonly #shared: Shared | null = globalThis.crossOriginIsolated === true ? createShared() : null;
  #worker: PythonWorker | null = null;
  #active: ActiveRun | null = null;
  #nextRunId = 1;
  #disposed = false;

  warmUp(): Promise<void> {
    return this.#ensureWorker().ready;
  }

  async run(code: string, io: RunIo): Promise<RunEnd> {
    if (this.#active !== null) throw new Error('a Python run is already in progress');
    if (this.#disposed) throw new Error('the Python runner was disposed');
    let finish: (end: RunEnd) => void = () => undefined;
    const promise = new Promise<RunEnd>((resolve) => {
      finish = resolve;
    });
    const run: ActiveRun = { id: this.#nextRunId++, io, finish, stopping: null, timer: null, graceTimer: null };
    this.#active = run;
    const worker = this.#ensureWorker();
    try {
      await worker.ready;
    } catch (error) {
      if (run.stopping === null) {
        io.onOutput('stderr', `Python could not start: ${error instanceof Error ? error.message : String(error)}\n`);
        this.#end(run, { status: 'failed', exitCode: 1 });
      }
      return promise;
    }
    // Stopped while the interpreter was loading: the program never starts.
    if (this.#active !== run) return promise;
    if (this.#shared) Atomics.store(this.#shared.interrupt, 0, 0);
    run.timer = new PausableTimer(io.timeLimitMs, () => this.#interrupt(run, 'timed-out'));
    this.#post(worker, { type: 'run', runId: run.id, code });
    return promise;
  }

  stop(): void {
    const run = this.#active;
    if (run !== null) this.#interrupt(run, 'stopped');
  }

  dispose(): void {
    this.#disposed = true;
    this.stop();
    const run = this.#active;
    if (run !== null) this.#end(run, { status: 'stopped', exitCode: null });
    this.#worker?.worker.terminate();
    this.#worker = null;
  }

  #ensureWorker(): PythonWorker {
    if (this.#worker !== null) return this.#worker;
    const worker = new Worker(new URL('./python-worker.ts', import.meta.url), { type: 'module', name: 'python' });
    const ready = new Promise<void>((resolve, reject) => {
      worker.addEventListener('message', (event: MessageEvent<WorkerToMain>) => {
        const message = event.data;
        if (message.type === 'ready') resolve();
        else if (message.type === 'load-failed') reject(new Error(message.message));
        else this.#onRunMessage(message);
      });
      worker.addEventListener('error', (event) => {
        const problem = event.message || 'the Python worker failed';
        reject(new Error(problem));
        // Failed after loading (an error outside any program): the run in it cannot end on its own.
        const run = this.#active;
        if (run !== null && run.timer !== null && this.#worker?.worker === worker) {
          run.io.onOutput('stderr', `${problem}\n`);
          this.#replaceWorker(run, this.#outcome(run, 1));
        }
      });
    });
    // A failed load is reported by the run waiting for it; the next run or warm-up tries a fresh worker.
    ready.catch(() => {
      worker.terminate();
      if (this.#worker?.worker === worker) this.#worker = null;
    });
    this.#worker = { worker, ready };
    this.#post(this.#worker, { type: 'init', indexURL: this.#indexURL, shared: this.#shared?.buffers ?? null });
    return this.#worker;
  }

  #onRunMessage(message: Exclude<WorkerToMain, { type: 'ready' | 'load-failed' }>): void {
    const run = this.#active;
    if (run === null || message.runId !== run.id) return;
    if (message.type === 'output') {
      run.io.onOutput(message.stream, message.text);
    } else if (message.type === 'stdin-request') {
      this.#answerStdin(run, message.prompt);
    } else if (message.broken) {
      this.#replaceWorker(run, this.#outcome(run, message.exitCode));
    } else {
      this.#end(run, this.#outcome(run, message.exitCode));
    }
  }

  /** How a run that ended with `exitCode` is reported: a stop wins over however the program reacted to it. */
  #outcome(run: ActiveRun, exitCode: number): RunEnd {
    if (run.stopping) return { status: run.stopping, exitCode: null };
    return { status: exitCode === 0 ? 'exited' : 'failed', exitCode };
  }

  #answerStdin(run: ActiveRun, prompt: string): void {
    const stdin = this.#shared?.stdin;
    if (stdin === undefined) return;
    if (stdin.hasRest) {
      stdin.answerRest();
      return;
    }
    // Waiting for a person to type is not the program's running time.
    run.timer?.pause();
    run.io.readStdin(prompt).then(
      (line) => {
        if (this.#active !== run || run.stopping) return;
        run.timer?.resume();
        stdin.answer(line === null ? null : new TextEncoder().encode(`${line}\n`));
      },
      () => {
        if (this.#active === run && !run.stopping) stdin.answer(null);
      },
    );
  }

  #interrupt(run: ActiveRun, reason: 'stopped' | 'timed-out'): void {
    if (this.#active !== run || run.stopping) return;
    run.stopping = reason;
    run.timer?.cancel();
    if (run.timer === null) {
      // Not started yet (the interpreter is loading): nothing to interrupt.
      this.#end(run, { status: reason, exitCode: null });
      return;
    }
    const stopped: RunEnd = { status: reason, exitCode: null };
    if (this.#shared === null) {
      this.#replaceWorker(run, stopped);
      return;
    }
    Atomics.store(this.#shared.interrupt, 0, SIGINT);
    this.#shared.stdin.reset();
    run.graceTimer = setTimeout(() => this.#replaceWorker(run, stopped), INTERRUPT_GRACE_MS);
  }

  /** Ends a run whose program does not stop (or whose interpreter broke): its worker goes, a fresh one loads for the next run. */
  #replaceWorker(run: ActiveRun, end: RunEnd): void {
    if (this.#active !== run) return;
    this.#worker?.worker.terminate();
    this.#worker = null;
    this.#end(run, end);
    if (!this.#disposed) this.warmUp().catch(() => undefined);
  }

  #end(run: ActiveRun, end: RunEnd): void {
    if (this.#active !== run) return;
    this.#active = null;
    run.timer?.cancel();
    if (run.graceTimer !== null) clearTimeout(run.graceTimer);
    this.#shared?.stdin.reset();
    run.finish(end);
  }

  #post(worker: PythonWorker, message: MainToWorker): void {
    worker.worker.postMessage(message);
  }
}

function createShared(): Shared {
  const buffers = { interrupt: new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT), stdin: createStdinBuffer() };
  return { interrupt: new Int32Array(buffers.interrupt), stdin: new StdinWriter(buffers.stdin), buffers };
}
