import { Worker } from 'node:worker_threads';
import { reviveError, type WorkerAnswer, type WorkerCall, type WorkerReady } from './worker-protocol.js';

interface PendingCall {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

/**
 * Main-thread side of a worker that serves calls (worker-host.ts): `call(method, args)` resolves
 * with the worker's answer or rejects with its error, re-created. A worker that fails to start,
 * crashes or exits rejects every pending and later call; nothing ever hangs.
 *
 * The thread keeps the process alive only while calls are pending, as a plain database handle would.
 */
export class WorkerClient {
  private readonly pending = new Map<number, PendingCall>();
  private nextId = 1;
  private failure: Error | null = null;
  private closing: Promise<void> | null = null;
  /** For messages: the worker's own threadId reads -1 once it has exited. */
  private readonly name: string;

  private constructor(private readonly worker: Worker) {
    this.name = `worker thread ${worker.threadId}`;
    worker.on('message', (answer: WorkerAnswer) => this.settle(answer));
    worker.on('error', (err) => this.fail(err));
    worker.on('messageerror', (err) => this.fail(err));
    worker.on('exit', (code) => this.fail(new Error(`${this.name} exited (code ${code})`)));
    worker.unref();
  }

  /** Starts the worker and waits until it has opened what it serves; rejects with its opening error. */
  static async start(entry: WorkerEntry, workerData: unknown): Promise<WorkerClient> {
    const worker = new Worker(entry.url, { workerData, execArgv: entry.execArgv });
    await whenReady(worker);
    return new WorkerClient(worker);
  }

  call<T>(method: string, args: unknown[] = [], transfer: ArrayBuffer[] = []): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closing) return Promise.reject(new Error(`${this.name} is closed`));
    return this.send<T>(method, args, transfer);
  }

  /** Asks the worker to close what it serves (after every call already sent), then ends the thread. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      if (!this.failure) await this.send('close', [], []);
      await this.worker.terminate();
    })();
    return this.closing;
  }

  private send<T>(method: string, args: unknown[], transfer: ArrayBuffer[]): Promise<T> {
    const id = this.nextId++;
    const answer = new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
    });
    if (this.pending.size === 1) this.worker.ref();
    this.worker.postMessage({ id, method, args } satisfies WorkerCall, transfer);
    return answer;
  }

  private settle(answer: WorkerAnswer): void {
    const call = this.pending.get(answer.id);
    if (!call) return;
    this.pending.delete(answer.id);
    if (this.pending.size === 0) this.worker.unref();
    if (answer.ok) call.resolve(answer.value);
    else call.reject(reviveError(answer.error));
  }

  private fail(err: Error): void {
    // The first cause is the one worth reporting; 'exit' always follows 'error'.
    this.failure ??= this.closing ? new Error(`${this.name} is closed`) : err;
    for (const call of this.pending.values()) call.reject(this.failure);
    this.pending.clear();
  }
}

/** Where a worker's code is, and the Node options it needs to run (see workerEntry). */
export interface WorkerEntry {
  url: URL;
  execArgv: string[];
}

/**
 * The worker module `name` next to `moduleUrl`. Built code runs `name.js` from dist; under vitest
 * the sources are TypeScript, so the worker runs `name.ts` through a small transpiling loader
 * (ts-worker-loader/ beside this file, test-only, uses the `typescript` devDependency).
 */
export function workerEntry(moduleUrl: string, name: string): WorkerEntry {
  if (!moduleUrl.endsWith('.ts')) return { url: new URL(`./${name}.js`, moduleUrl), execArgv: [] };
  const loader = new URL('./ts-worker-loader/register.mjs', import.meta.url);
  return { url: new URL(`./${name}.ts`, moduleUrl), execArgv: ['--import', loader.href] };
}

function whenReady(worker: Worker): Promise<void> {
  return new Promise((resolve, reject) => {
    const failed = (err: Error): void => {
      worker.off('exit', exited);
      void worker.terminate();
      reject(err);
    };
    const exited = (code: number): void => failed(new Error(`worker exited (code ${code}) before it was ready`));
    worker.once('error', failed);
    worker.once('exit', exited);
    worker.once('message', (ready: WorkerReady) => {
      worker.off('error', failed);
      worker.off('exit', exited);
      if (ready.ready) resolve();
      else failed(reviveError(ready.error));
    });
  });
}
