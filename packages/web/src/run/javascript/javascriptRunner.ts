import type { CodeRunner, RunEnd, RunIo } from '../runner';
import type { PageMessage, ProgramMessage } from './programEnvironment';
import type { ProgramScript, ScriptLanguage } from './programScript';

/** The worker a program runs in, as far as the runner uses it. */
export interface ProgramWorker {
  postMessage(message: PageMessage): void;
  terminate(): void;
  onmessage: ((event: MessageEvent<ProgramMessage>) => void) | null;
  onerror: ((event: ErrorEvent) => void) | null;
}

/** Where programs are transpiled and started: Web Workers in the browser (browserPrograms.ts), fakes in tests. */
export interface ProgramHost {
  transpile(code: string, language: ScriptLanguage): Promise<ProgramScript>;
  start(script: string): ProgramWorker;
  warmUp(): Promise<void>;
  dispose(): void;
}

const FAILED: RunEnd = { status: 'failed', exitCode: 1 };

/**
 * Runs JavaScript and TypeScript in a dedicated worker of its own per run, ended by the program
 * (exit 0, or 1 for an uncaught error), by `stop()` or by the time limit: a worker that will not end
 * is terminated, which stops even `while (true) {}`. The time limit does not count the time the
 * program waits for its user to type a line.
 */
export class JavaScriptRunner implements CodeRunner {
  readonly language: ScriptLanguage;
  private readonly host: ProgramHost;
  private stopCurrent: (() => void) | null = null;

  constructor(language: ScriptLanguage, host: ProgramHost) {
    this.language = language;
    this.host = host;
  }

  run(code: string, io: RunIo): Promise<RunEnd> {
    if (this.stopCurrent) return Promise.reject(new Error('a run is already in progress'));
    return new Promise<RunEnd>((resolve) => {
      let worker: ProgramWorker | null = null;
      let ended = false;
      let timer: ReturnType<typeof setTimeout> | undefined;
      let remainingMs = io.timeLimitMs;
      let clockStartedAt = 0;

      const end = (result: RunEnd) => {
        if (ended) return;
        ended = true;
        clearTimeout(timer);
        worker?.terminate();
        this.stopCurrent = null;
        resolve(result);
      };
      const startClock = () => {
        clockStartedAt = performance.now();
        timer = setTimeout(() => end({ status: 'timed-out', exitCode: null }), remainingMs);
      };
      const pauseClock = () => {
        clearTimeout(timer);
        remainingMs -= performance.now() - clockStartedAt;
      };
      const onMessage = (message: ProgramMessage, running: ProgramWorker) => {
        if (ended) return;
        switch (message.kind) {
          case 'output':
            io.onOutput(message.stream, message.text);
            return;
          case 'input':
            pauseClock();
            if (message.prompt !== '') io.onOutput('stdout', message.prompt);
            void io.readStdin(message.prompt).then((line) => {
              if (ended) return;
              startClock();
              running.postMessage({ kind: 'stdin', line });
            });
            return;
          case 'exit':
            end(message.exitCode === 0 ? { status: 'exited', exitCode: 0 } : FAILED);
        }
      };

      this.stopCurrent = () => end({ status: 'stopped', exitCode: null });
      this.host.transpile(code, this.language).then(
        (program) => {
          if (ended) return;
          if (!program.ok) {
            io.onOutput('stderr', `${program.error}\n`);
            end(FAILED);
            return;
          }
          const running = this.host.start(program.script);
          worker = running;
          running.onmessage = (event) => onMessage(event.data, running);
          // Errors the program's own handlers could not catch: a script that does not parse (e.g. `import`).
          running.onerror = (event) => {
            event.preventDefault();
            if (ended) return;
            io.onOutput('stderr', `${event.message || 'The program could not start.'}\n`);
            end(FAILED);
          };
          startClock();
        },
        (error: unknown) => {
          io.onOutput('stderr', `Could not prepare the program: ${error instanceof Error ? error.message : String(error)}\n`);
          end(FAILED);
        },
      );
    });
  }

  stop(): void {
    this.stopCurrent?.();
  }

  warmUp(): Promise<void> {
    return this.host.warmUp();
  }

  dispose(): void {
    this.stop();
    this.host.dispose();
  }
}
