/**
 * The vocabulary shared by the sources of evidence (sources.ts, priors.ts) and the ranker that
 * blends them: kept apart so those modules depend on it rather than on each other.
 */

export type SourceKind = 'document' | 'keyword' | 'builtin' | 'member' | 'snippet' | 'closer' | 'sequence';

/** One possible insertion with its weight inside its source. */
export interface Option {
  readonly text: string;
  readonly weight: number;
  readonly label?: string;
}

/**
 * A body of evidence about what follows the cursor. `lambda` is the share of all probability the
 * source holds (lambdas of one request sum to at most 1); option weights split it.
 */
export interface Source {
  readonly kind: SourceKind;
  /** Context order for document sources, 0 otherwise. */
  readonly order: number;
  readonly lambda: number;
  readonly options: readonly Option[];
}
