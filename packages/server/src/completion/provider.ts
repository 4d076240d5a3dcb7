import type { AutocompleteResponse, CompletionRunsOn } from '@pairwise/protocol';
import type { CompletionRequest } from '@pairwise/complete';

export type { CompletionRequest } from '@pairwise/complete';

export interface CompletionProvider {
  /**
   * `browser` when the answers are the local engine's alone: the web app runs that engine itself and
   * need not ask; `server` when only this server can produce them (a model behind it).
   */
  readonly runsOn: CompletionRunsOn;
  /**
   * `suggestion` is inserted at the cursor as ghost text, so it never repeats what already follows
   * the cursor. Rejects only with `signal.reason` once the caller aborts.
   */
  complete(request: CompletionRequest, signal: AbortSignal): Promise<AutocompleteResponse>;
}
