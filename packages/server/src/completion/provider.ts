import type { AutocompleteResponse, LanguageId } from '@pairwise/protocol';

export interface CompletionRequest {
  code: string;
  /** UTF-16 offset into `code`, as JavaScript string indices and Monaco's getOffsetAt count. */
  cursorPosition: number;
  language: LanguageId;
}

export interface CompletionProvider {
  /**
   * `suggestion` is inserted at the cursor as ghost text, so it never repeats what already follows
   * the cursor. Rejects only with `signal.reason` once the caller aborts.
   */
  complete(request: CompletionRequest, signal: AbortSignal): Promise<AutocompleteResponse>;
}

export function emptyResponse(): AutocompleteResponse {
  return { suggestion: '', allSuggestions: [] };
}
