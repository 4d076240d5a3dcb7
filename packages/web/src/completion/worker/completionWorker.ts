/// <reference lib="webworker" />
import type { CompletionWorkerRequest } from './messages';
import { PriorCache } from './priorCache';
import { createWorkerCore } from './workerCore';

/**
 * The local completion engine (the same code the server's local provider runs) off the page's
 * main thread: ghost text needs no round trip, keeps working offline and while reconnecting, and
 * a 5,000-line file never stalls typing.
 */
const scope = self as unknown as DedicatedWorkerGlobalScope;
const handle = createWorkerCore((answer) => scope.postMessage(answer), new PriorCache());

scope.onmessage = (event: MessageEvent<CompletionWorkerRequest>) => handle(event.data);
