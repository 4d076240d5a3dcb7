import type { PyodideAPI } from 'pyodide';
import type { MainToWorker, WorkerInit, WorkerToMain } from './messages';
import { OutputBatcher } from './output-batcher';
import { RUN_PROGRAM_SOURCE } from './run-program';
import { StdinReader } from './stdin-channel';

/**
 * The Python worker: loads Pyodide from the app's own origin once, then runs one program at a time.
 * A run holds this thread until the program ends; a stop reaches it through the shared interrupt
 * flag (KeyboardInterrupt), and `input()` blocks on the shared stdin channel. Without shared memory
 * (no cross-origin isolation) a stop terminates the worker and `input()` reads end of input.
 */

/** The parts of a dedicated worker's global scope used here (the web app's types are the page's, not a worker's). */
interface WorkerScope {
  postMessage(message: WorkerToMain): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<MainToWorker>) => void): void;
}
const scope = self as unknown as WorkerScope;
const post = (message: WorkerToMain): void => scope.postMessage(message);

/** `_pairwise_run_program` (run-program.ts) as Pyodide hands it to JavaScript: source in, exit status out. */
type RunProgram = (source: string) => number;

let runId = 0;
const stdout = new OutputBatcher((text) => post({ type: 'output', runId, stream: 'stdout', text }));
const stderr = new OutputBatcher((text) => post({ type: 'output', runId, stream: 'stderr', text }));
let runProgram: RunProgram | null = null;

async function load(init: WorkerInit): Promise<RunProgram> {
  const { loadPyodide } = (await import(/* @vite-ignore */ `${init.indexURL}pyodide.mjs`)) as typeof import('pyodide');
  const pyodide = await loadPyodide({ indexURL: init.indexURL });
  pyodide.setStdout({ write: (bytes: Uint8Array) => stdout.write(bytes), isatty: false });
  pyodide.setStderr({ write: (bytes: Uint8Array) => stderr.write(bytes), isatty: false });
  if (init.shared) {
    const interrupt = new Int32Array(init.shared.interrupt);
    const reader = new StdinReader(init.shared.stdin);
    pyodide.setInterruptBuffer(interrupt);
    pyodide.setStdin({ read: (buffer: Uint8Array) => readStdin(pyodide, reader, interrupt, buffer), isatty: false });
  } else {
    // A blocking read needs shared memory; without it the program sees end of input (EOFError).
    pyodide.setStdin({ read: () => 0, isatty: false });
  }
  return pyodide.runPython(RUN_PROGRAM_SOURCE) as RunProgram;
}

/** Bytes of the last answer that Python has not read yet (it reads into buffers of its own size). */
let unread: Uint8Array = new Uint8Array(0);

/** Python's `read()` on stdin: what is left of the last answer, else a new answer from the main thread (0 bytes: end of input). */
function readStdin(pyodide: PyodideAPI, reader: StdinReader, interrupt: Int32Array, buffer: Uint8Array): number {
  if (unread.length === 0) {
    stdout.flush();
    stderr.flush();
    const answer = reader.read(
      () => post({ type: 'stdin-request', runId, prompt: stdout.lastLine }),
      () => Atomics.load(interrupt, 0) !== 0,
    );
    if (answer === null) {
      // Stopped while waiting: fails the read with EINTR, so Python raises KeyboardInterrupt right here.
      pyodide.checkInterrupt();
      return 0;
    }
    unread = answer;
    stdout.endLine();
  }
  const count = Math.min(buffer.length, unread.length);
  buffer.set(unread.subarray(0, count));
  unread = unread.subarray(count);
  return count;
}

function run(program: RunProgram, id: number, code: string): void {
  runId = id;
  unread = new Uint8Array(0);
  stdout.reset();
  stderr.reset();
  let exitCode = 1;
  let broken = false;
  try {
    exitCode = program(code);
  } catch (error) {
    // The wrapper catches every Python exception: what escapes it is Pyodide's own failure.
    stderr.write(new TextEncoder().encode(`${error instanceof Error ? error.message : String(error)}\n`));
    broken = true;
  }
  stdout.flush();
  stderr.flush();
  post({ type: 'done', runId: id, exitCode, broken });
}

scope.addEventListener('message', (event) => {
  const message = event.data;
  if (message.type === 'init') {
    load(message).then(
      (loaded) => {
        runProgram = loaded;
        post({ type: 'ready' });
      },
      (error: unknown) => post({ type: 'load-failed', message: error instanceof Error ? error.message : String(error) }),
    );
  } else if (runProgram !== null) {
    run(runProgram, message.runId, message.code);
  }
});
