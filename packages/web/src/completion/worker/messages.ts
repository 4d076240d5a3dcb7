import type { AutocompleteResponse, LanguageId } from '@pairwise/protocol';
import type { CompletionRequest } from '@pairwise/complete';
import type { PriorLoad } from './priorCache';

/** Page to completion worker. */
export type CompletionWorkerRequest =
  /** A room in `language` opened: load what the engine knows about it now, before the first keystroke. */
  { type: 'prepare'; language: LanguageId } | { type: 'complete'; id: number; request: CompletionRequest };

/** Completion worker to page. */
export type CompletionWorkerAnswer =
  /** `engineMs`: the engine's own time, without the messages' trips (the round trip is measured by the page). */
  | { type: 'answer'; id: number; response: AutocompleteResponse; engineMs: number }
  | { type: 'failed'; id: number; message: string }
  /** The answer to `prepare`: the language's prior loaded (or could not be, e.g. offline). */
  | ({ type: 'prepared' } & PriorLoad);
