/// <reference lib="webworker" />
import { completeLocally } from '@pairwise/complete';
import type { CompletionWorkerAnswer, CompletionWorkerRequest } from './messages';
import { PriorCache } from './priorCache';

/**
 * The local completion engine (the same code the server's local provider runs) off the page's
 * main thread: ghost text needs no round trip, keeps working offline and while reconnecting, and
 * a 5,000-line file never stalls typing.
 */
const scope = self as unknown as DedicatedWorkerGlobalScope;
const priors = new PriorCache();

function reply(answer: CompletionWorkerAnswer): void {
  scope.postMessage(answer);
}

scope.onmessage = (event: MessageEvent<CompletionWorkerRequest>) => {
  const message = event.data;
  if (message.type === 'prepare') {
    void priors.load(message.language).then((load) => reply({ type: 'prepared', ...load }));
    return;
  }
  try {
    const prior = priors.get(message.request.language);
    const started = performance.now();
    const response = completeLocally(message.request, prior);
    reply({ type: 'answer', id: message.id, response, engineMs: performance.now() - started });
  } catch (err) {
    // The engine never throws on valid input; an answer of nothing beats a dead worker.
    reply({ type: 'failed', id: message.id, message: err instanceof Error ? err.message : String(err) });
  }
};
