import type { AutocompleteResponse, LanguageId } from '@pairwise/protocol';
import type { PriorLoad } from './priorCache';

/** One replacement in the document, as Monaco reports it (offsets into the text before the change). */
export interface DocumentChange {
  offset: number;
  length: number;
  text: string;
}

/**
 * Page to completion worker. The worker keeps its own copy of the editor's text: the page sends it
 * whole once, then only the changes, and asks with the editor's version. Copying a 5,000-line file
 * into the worker on every pause was most of a request's time.
 */
export type CompletionWorkerRequest =
  /** A room in `language` opened: load what the engine knows about it now, before the first keystroke. */
  | { type: 'prepare'; language: LanguageId }
  | { type: 'open'; version: number; text: string }
  /** Changes of one edit, each against the text before it, in descending offset order. */
  | { type: 'edit'; version: number; changes: DocumentChange[] }
  | { type: 'complete'; id: number; version: number; cursorPosition: number; language: LanguageId };

/** Completion worker to page. */
export type CompletionWorkerAnswer =
  /** `engineMs`: the engine's own time, without the messages' trips (the round trip is measured by the page). */
  | { type: 'answer'; id: number; response: AutocompleteResponse; engineMs: number }
  | { type: 'failed'; id: number; message: string }
  /** The answer to `prepare`: the language's prior loaded (or could not be, e.g. offline). */
  | ({ type: 'prepared' } & PriorLoad);
