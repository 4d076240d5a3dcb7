import type { AutocompleteResponse, LanguageId } from '@pairwise/protocol';

export interface CompletionRequest {
  code: string;
  /** UTF-16 offset into `code`, as JavaScript string indices and Monaco's getOffsetAt count. */
  cursorPosition: number;
  language: LanguageId;
}

export function emptyResponse(): AutocompleteResponse {
  return { suggestion: '', allSuggestions: [] };
}
