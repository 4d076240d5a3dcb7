import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { type LanguagePrior, NgramPrior, type PriorTables } from '@pairwise/complete';
import type { LanguageId } from '@pairwise/protocol';
import { workerEntry, WorkerClient } from '../storage/worker-client.js';

/** Where the learned priors of the installed @pairwise/complete are (`npm run train:complete` writes them). */
export function installedPriorsDir(): string {
  const require = createRequire(import.meta.url);
  return dirname(require.resolve('@pairwise/complete/priors/corpus.json'));
}

export interface PriorLoadFailure {
  readonly language: LanguageId;
  readonly err: unknown;
}

/**
 * The learned priors, each loaded the first time its language is asked for. Reading, gunzipping and
 * decoding (50-70 ms a language) run in a worker thread (prior-worker.ts), which hands the decoded
 * tables over without copying their arrays: the event loop only wraps them. The thread starts for a
 * load and ends when no load is under way, so an idle server holds none.
 *
 * Concurrent first requests share one load. A language without a file has no prior; a file that
 * fails to load is reported once and the language is answered without one.
 *
 * Owned by whoever creates it: `close` ends the thread (after a load under way) and later first
 * requests are answered without a prior.
 */
export class PriorStore {
  private readonly loads = new Map<LanguageId, Promise<LanguagePrior | null>>();
  private worker: Promise<WorkerClient> | null = null;
  private loading = 0;
  private closed = false;

  constructor(
    private readonly dir: string,
    private readonly onLoadFailure: (failure: PriorLoadFailure) => void,
  ) {}

  get(language: LanguageId): Promise<LanguagePrior | null> {
    let load = this.loads.get(language);
    if (load === undefined) {
      load = this.load(language);
      this.loads.set(language, load);
    }
    return load;
  }

  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    this.worker = null;
    if (worker !== null) await stopWorker(worker);
  }

  private async load(language: LanguageId): Promise<LanguagePrior | null> {
    if (this.closed) return null;
    this.loading++;
    this.worker ??= WorkerClient.start(workerEntry(import.meta.url, 'prior-worker'), null);
    const worker = this.worker;
    try {
      const tables = await (await worker).call<PriorTables | null>('loadPriorTables', [this.dir, language]);
      return tables === null ? null : new NgramPrior(tables);
    } catch (err) {
      this.onLoadFailure({ language, err });
      return null;
    } finally {
      if (--this.loading === 0 && this.worker === worker) {
        this.worker = null;
        void stopWorker(worker);
      }
    }
  }
}

/** A worker that failed to start has nothing to close; its failure was reported by the load that started it. */
async function stopWorker(worker: Promise<WorkerClient>): Promise<void> {
  await worker.then((client) => client.close()).catch(() => undefined);
}
