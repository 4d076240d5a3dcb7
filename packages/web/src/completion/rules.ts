import { AUTOCOMPLETE_CODE_MAX } from '@pairwise/protocol';

/** The server refuses larger documents (UTF-16 code units, about 1 MiB); don't even serialise them. */
export const MAX_DOCUMENT_LENGTH = AUTOCOMPLETE_CODE_MAX;

export interface CursorContext {
  /** Document length in UTF-16 code units (Monaco's `getValueLength`). */
  documentLength: number;
  /** Any non-empty selection, or more than one cursor. */
  hasSelection: boolean;
  /** The text after the cursor on the cursor's line. */
  lineSuffix: string;
}

export type SkipReason = 'selection' | 'huge-document' | 'inside-word';

const WORD_CHAR = /^[\p{L}\p{N}_$]/u;

/**
 * Why no suggestion should be requested here, or null to go ahead. A selection means the user is
 * about to replace or act on text; a word character right after the cursor means a completion
 * would be spliced into the middle of an existing word (`pr|int`).
 */
export function skipReason(ctx: CursorContext): SkipReason | null {
  if (ctx.documentLength > MAX_DOCUMENT_LENGTH) return 'huge-document';
  if (ctx.hasSelection) return 'selection';
  if (WORD_CHAR.test(ctx.lineSuffix)) return 'inside-word';
  return null;
}

/**
 * The ghost text to show for a server suggestion. Monaco only renders a multi-line inline
 * completion when nothing follows the cursor on its line, so with text after the cursor (say a
 * closing bracket) only the first line is offered.
 */
export function ghostTextFor(suggestion: string, lineSuffix: string): string {
  const text = suggestion.replace(/\r\n?/g, '\n');
  if (lineSuffix.trim() === '') return text;
  const newline = text.indexOf('\n');
  return newline === -1 ? text : text.slice(0, newline);
}
