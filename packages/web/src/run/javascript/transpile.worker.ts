/// <reference lib="webworker" />
import { programScript } from './programScript';
import type { TranspileRequest, TranspileResponse } from './transpileMessages';

/**
 * Kept warm by the page: sucrase is parsed once, and turning a program into its worker script stays
 * off the page's main thread.
 */
const scope = self as unknown as DedicatedWorkerGlobalScope;
scope.addEventListener('message', (event: MessageEvent<TranspileRequest>) => {
  const { id, code, language } = event.data;
  const response: TranspileResponse = { id, ...programScript(code, language) };
  scope.postMessage(response);
});
