import type { ProgramHost, ProgramWorker } from './javascriptRunner';
import type { ProgramScript, ScriptLanguage } from './programScript';
import TranspileWorker from './transpile.worker?worker';
import type { TranspileRequest, TranspileResponse } from './transpileMessages';

/**
 * Programs in real Web Workers. The app's Content-Security-Policy allows no `eval` (script-src
 * 'self'), so a program cannot be handed to a waiting worker as text: it becomes the script of a
 * worker of its own, from a `blob:` URL (worker-src allows those, for Monaco). What is kept warm is
 * the transpiling worker (sucrase loaded and parsed); starting a blob worker takes milliseconds.
 */
export function browserProgramHost(): ProgramHost {
  let transpiler: Worker | null = null;
  let nextId = 1;
  const pending = new Map<number, { resolve: (script: ProgramScript) => void; reject: (error: Error) => void }>();

  const ensureTranspiler = (): Worker => {
    if (transpiler) return transpiler;
    const worker = new TranspileWorker({ name: 'pairwise-transpile' });
    worker.onmessage = (event: MessageEvent<TranspileResponse>) => {
      const { id, ...script } = event.data;
      pending.get(id)?.resolve(script);
      pending.delete(id);
    };
    worker.onerror = () => {
      // A broken transpiler fails what it had; the next request starts a fresh one.
      for (const request of pending.values()) request.reject(new Error('the TypeScript compiler stopped'));
      pending.clear();
      worker.terminate();
      transpiler = null;
    };
    transpiler = worker;
    return worker;
  };

  return {
    transpile: (code: string, language: ScriptLanguage) =>
      new Promise<ProgramScript>((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject });
        const request: TranspileRequest = { id, code, language };
        ensureTranspiler().postMessage(request);
      }),
    start: (script: string): ProgramWorker => {
      const url = URL.createObjectURL(new Blob([script], { type: 'text/javascript' }));
      const worker = new Worker(url, { name: 'pairwise-program' });
      const terminate = worker.terminate.bind(worker);
      // Kept until the worker ends: it may still be loading its script.
      worker.terminate = () => {
        terminate();
        URL.revokeObjectURL(url);
      };
      return worker;
    },
    warmUp: async () => {
      ensureTranspiler();
    },
    dispose: () => {
      transpiler?.terminate();
      transpiler = null;
    },
  };
}
