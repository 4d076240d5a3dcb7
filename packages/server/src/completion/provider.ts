import type { AutocompleteResponse } from '@pairwise/protocol';
import type { CompletionRequest } from '@pairwise/complete';

export type { CompletionRequest } from '@pairwise/complete';

export interface CompletionProvider {
  /**
   * `suggestion` is inserted at the cursor as ghost text, so it never repeats what already follows
   * the cursor. Rejects only with `signal.reason` once the caller aborts.
   */
  complete(request: CompletionRequest, signal: AbortSignal): Promise<AutocompleteResponse>;
}
