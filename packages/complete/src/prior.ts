import type { LanguageId } from '@pairwise/protocol';

/**
 * A learned model of a language (trained by `npm run train:complete` from code on the machine),
 * consulted where the document itself has nothing to say: a fresh interview room knows no
 * identifiers yet, but `cons` at the start of a JavaScript file is almost always `console.`.
 *
 * The document stays the stronger signal: the engine gives the prior only the mass its own
 * evidence leaves over, and fits every continuation before the text after the cursor.
 */
export interface LanguagePrior {
  readonly language: LanguageId;
  /**
   * Likely continuations at the cursor, best first, each the text to insert after what is typed
   * (so it extends the partial word `word`, when there is one).
   */
  continuations(code: string, cursor: number, limit: number): PriorContinuation[];
}

export interface PriorContinuation {
  text: string;
  /** Relative confidence in (0, 1]. */
  weight: number;
}
