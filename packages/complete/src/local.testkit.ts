import type { AutocompleteResponse, LanguageId } from '@pairwise/protocol';
import { completeLocally } from './engine.js';

/** Where the cursor goes in test snippets; without it the cursor is at the end. */
export const CURSOR = '▮';

export function localAt(language: LanguageId, textWithCursor: string): AutocompleteResponse {
  const at = textWithCursor.indexOf(CURSOR);
  const code = at === -1 ? textWithCursor : textWithCursor.replace(CURSOR, '');
  return completeLocally({ code, cursorPosition: at === -1 ? code.length : at, language });
}

export function suggest(language: LanguageId, textWithCursor: string): string {
  return localAt(language, textWithCursor).suggestion;
}
