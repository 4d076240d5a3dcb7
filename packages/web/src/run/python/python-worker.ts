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

type RunProgram = ((source: string) => number) & { destroy(): void };

interface Interpreter {
  pyodide: PyodideAPI;
  runProgram: RunProgram;
}

let runId = 0;
const stdout = new OutputBatcher((text) => post({ type: 'output', runId, stream: 'stdout', text }));
const stderr = new OutputBatcher((text) => post({ type: 'output', runId, stream: 'stderr', text }));
let interpreter: Interpreter | null = null;

async function load(init: WorkerInit): Promise<Interpreter> {
  const { loadPyodide } = (await import(/* @vite-ignore */ `${init.indexURL}pyodide.mjs`)) as typeof import('pyodide');
  const pyodide = await loadPyodide({ indexURL: init.indexURL, env: { HOME: '/home/pyodide' } });
  pyodide.setStdout({ write: (bytes: Uint8Array) => stdout.write(bytes), isatty: false });
  pyodide.setStderr({ write: (bytes: Uint8Array) => stderr.write(bytes), isatty: false });
  if (init.shared) {
    const interrupt = new Int32Array(init.shared.interrupt);
    const reader = new StdinReader(init.shared.stdin);
    pyodide.setInterruptBuffer(interrupt);
    pyodide.setStdin({
      stdin: () => {
        stdout.flush();
        stderr.flush();
        const line = reader.read(
          () => post({ type: 'stdin-request', runId, prompt: stdout.lastLine }),
          () => Atomics.load(interrupt, 0) !== 0,
        );
        // Stopped while waiting: raise KeyboardInterrupt in the program now.
        if (line === null) pyodide.checkInterrupt();
        return line;
      },
      isatty: false,
    });
  } else {
    // A blocking read needs shared memory; without it the program sees end of input (EOFError).
    pyodide.setStdin({ stdin: () => null, isatty: false });
  }
  const runProgram = pyodide.runPython(RUN_PROGRAM_SOURCE) as RunProgram;
  return { pyodide, runProgram };
}

function run(program: Interpreter, id: number, code: string): void {
  runId = id;
  stdout.reset();
  stderr.reset();
  let exitCode: number;
  try {
    exitCode = program.runProgram(code);
  } catch (error) {
    // Errors escape the Python wrapper only from Pyodide itself (e.g. a fatal error).
    stderr.write(new TextEncoder().encode(`${error instanceof Error ? error.message : String(error)}\n`));
    exitCode = 1;
  }
  stdout.flush();
  stderr.flush();
  post({ type: 'done', runId: id, exitCode });
}

scope.addEventListener('message', (event) => {
  const message = event.data;
  if (message.type === 'init') {
    load(message).then(
      (loaded) => {
        interpreter = loaded;
        post({ type: 'ready' });
      },
      (error: unknown) => post({ type: 'load-failed', message: error instanceof Error ? error.message : String(error) }),
    );
  } else if (interpreter !== null) {
    run(interpreter, message.runId, message.code);
  }
});
