import type { LanguageId } from '@pairwise/protocol';
import type { CompleteOptions, CompletionOutcome } from './completionClient';
import type { AskingClient, CompletionAsk, DocumentSource } from './editorContext';
import type { CompletionWorkerAnswer, CompletionWorkerRequest, DocumentChange } from './worker/messages';

/** Each answer is measured under this name (User Timing), for profiling and for the browser tests. */
export const LOCAL_COMPLETION_MEASURE = 'pairwise:local-completion';
/** Each language prior the worker loaded, with `detail` { language, bytes } (bytes over the network). */
export const PRIOR_LOAD_MEASURE = 'pairwise:completion-prior';

/** What the client needs of a worker: `Worker` itself, or a fake in unit tests. */
export interface WorkerLike {
  postMessage(message: CompletionWorkerRequest): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<CompletionWorkerAnswer>) => void): void;
  terminate(): void;
}

/** An editor model as far as following its changes goes (Monaco's ITextModel fits). */
export interface FollowedModel extends DocumentSource {
  onDidChangeContent(
    listener: (event: { versionId: number; changes: readonly { rangeOffset: number; rangeLength: number; text: string }[] }) => void,
  ): { dispose(): void };
}

export interface LocalCompletionClient extends AskingClient {
  /** The room's language is known: the worker loads what it needs for it before the first keystroke. */
  prepare(language: LanguageId): void;
  /** Keeps the worker's copy of `model` current by sending each change (until `dispose`). */
  follow(model: FollowedModel): void;
}

interface Pending {
  channel: string;
  seq: number;
  startedAt: number;
  resolve(outcome: CompletionOutcome): void;
}

/**
 * Ghost text from the local engine in a Web Worker, behind the same interface as the server's
 * `POST /api/autocomplete` client: a newer request on a channel makes the older one `stale`, and
 * so does `cancel`. The worker is started on the first call and ended by `dispose`.
 */
export function createLocalCompletionClient(startWorker: () => WorkerLike = startCompletionWorker): LocalCompletionClient {
  let worker: WorkerLike | null = null;
  let nextId = 0;
  let disposed = false;
  const pending = new Map<number, Pending>();
  /** The newest request's sequence number per channel. */
  const newest = new Map<string, number>();
  /** The model whose text the worker holds, and its version there. */
  let workerModel: DocumentSource | null = null;
  let workerVersion: number | null = null;
  let following: { dispose(): void } | null = null;

  const settle = (id: number, outcome: CompletionOutcome) => {
    const request = pending.get(id);
    if (!request) return;
    pending.delete(id);
    const current = !disposed && newest.get(request.channel) === request.seq;
    if (current && outcome.kind === 'ok') performance.measure(LOCAL_COMPLETION_MEASURE, { start: request.startedAt });
    request.resolve(current ? outcome : { kind: 'stale' });
  };

  const ensureWorker = (): WorkerLike => {
    if (worker) return worker;
    const started = startWorker();
    started.addEventListener('message', ({ data }) => {
      if (data.type === 'answer') {
        settle(data.id, { kind: 'ok', suggestion: data.response.suggestion, items: data.response.allSuggestions });
      } else if (data.type === 'failed') {
        settle(data.id, { kind: 'error', status: 0 });
      } else if (data.ok) {
        recordPriorLoad(data.language, data.bytes, data.ms);
      }
    });
    worker = started;
    return started;
  };

  const staleAll = () => {
    for (const channel of newest.keys()) newest.set(channel, (newest.get(channel) ?? 0) + 1);
    for (const id of [...pending.keys()]) settle(id, { kind: 'stale' });
  };

  return {
    prepare(language) {
      if (!disposed) ensureWorker().postMessage({ type: 'prepare', language });
    },
    follow(model) {
      following?.dispose();
      following = model.onDidChangeContent(({ versionId, changes }) => {
        // Until the worker holds this model's text, the next request sends it whole.
        if (!worker || workerModel !== model) return;
        // Each change is against the text before the edit: applied from the end, none moves another.
        const sorted: DocumentChange[] = [...changes]
          .sort((a, b) => b.rangeOffset - a.rangeOffset)
          .map((c) => ({ offset: c.rangeOffset, length: c.rangeLength, text: c.text }));
        worker.postMessage({ type: 'edit', version: versionId, changes: sorted });
        workerVersion = versionId;
      });
    },
    complete(ask: CompletionAsk, options: CompleteOptions = {}): Promise<CompletionOutcome> {
      if (disposed || options.signal?.aborted) return Promise.resolve({ kind: 'stale' });
      const channel = options.channel ?? 'default';
      const seq = (newest.get(channel) ?? 0) + 1;
      newest.set(channel, seq);
      const id = ++nextId;
      const { model, cursorPosition, language } = ask;
      const target = ensureWorker();
      const version = model.getVersionId();
      if (workerModel !== model || workerVersion !== version) {
        target.postMessage({ type: 'open', version, text: model.getValue() });
        workerModel = model;
        workerVersion = version;
      }
      return new Promise((resolve) => {
        pending.set(id, { channel, seq, startedAt: performance.now(), resolve });
        options.signal?.addEventListener('abort', () => settle(id, { kind: 'stale' }), { once: true });
        target.postMessage({ type: 'complete', id, version, cursorPosition, language });
      });
    },
    cancel: staleAll,
    // Nothing pauses the local engine: the room's switch is applied by the providers before they ask.
    resume() {},
    dispose() {
      staleAll();
      following?.dispose();
      disposed = true;
      worker?.terminate();
      worker = null;
    },
  };
}

function recordPriorLoad(language: string, bytes: number, ms: number): void {
  const end = performance.now();
  performance.measure(PRIOR_LOAD_MEASURE, { start: Math.max(0, end - ms), end, detail: { language, bytes } });
}

function startCompletionWorker(): WorkerLike {
  return new Worker(new URL('./worker/completionWorker.ts', import.meta.url), { type: 'module', name: 'pairwise-completion' });
}
