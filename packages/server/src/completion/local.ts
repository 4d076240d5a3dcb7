import type { AutocompleteResponse, CompletionRunsOn } from '@pairwise/protocol';
import { completeLocally } from '@pairwise/complete';
import type { CompletionProvider, CompletionRequest } from './provider.js';

/**
 * Completion from the document itself and per-language tables: no network, no model, a few
 * milliseconds at most. Also the fallback of the model-backed providers.
 */
export class LocalCompletionProvider implements CompletionProvider {
  readonly runsOn: CompletionRunsOn = 'browser';

  async complete(request: CompletionRequest, signal: AbortSignal): Promise<AutocompleteResponse> {
    signal.throwIfAborted();
    return completeLocally(request);
  }
}
