import type { AutocompleteResponse, CompletionRunsOn } from '@pairwise/protocol';
import { completeLocally } from '@pairwise/complete';
import type { PriorStore } from './priors.js';
import type { CompletionProvider, CompletionRequest } from './provider.js';

/**
 * Completion from the document itself, the language's learned prior (when a store is given) and
 * per-language tables: no network, a few milliseconds at most. Also the fallback of the
 * model-backed providers.
 */
export class LocalCompletionProvider implements CompletionProvider {
  readonly runsOn: CompletionRunsOn = 'browser';

  constructor(private readonly priors: PriorStore | null = null) {}

  async complete(request: CompletionRequest, signal: AbortSignal): Promise<AutocompleteResponse> {
    signal.throwIfAborted();
    const prior = this.priors === null ? null : await this.priors.get(request.language);
    signal.throwIfAborted();
    return completeLocally(request, prior);
  }
}
