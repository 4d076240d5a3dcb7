/**
 * What the local engine knows about a language before it has seen any of the document.
 * Callables carry a trailing `(` so completing them also opens the call, as the user would type next.
 * Lists are ordered most common first: rank is the prior.
 */
export interface LanguageTable {
  /** Valid only where a statement starts (line start, or after `{`, `;`, `}` in C-family). */
  readonly statementKeywords: readonly string[];
  /** Valid anywhere an expression may appear. */
  readonly expressionKeywords: readonly string[];
  readonly builtins: readonly string[];
  /** Members known for a receiver, keyed by the receiver as written (`console`, `System.out`, `std`). */
  readonly members: Readonly<Record<string, readonly string[]>>;
  /** Members common on any value (list, string, map methods); used only once a prefix is typed. */
  readonly genericMembers: readonly string[];
  /** Words valid right after `#` (C preprocessor). */
  readonly directives: readonly string[];
  readonly snippets: readonly Snippet[];
  readonly blocks: 'colon' | 'brace';
  /** Indentation unit when the document does not show one. */
  readonly defaultIndent: string;
  readonly lineComment: string | null;
  readonly blockComment: readonly [string, string] | null;
  /** Statement keywords whose line ends in a block opener (`:` or `{`) rather than `;`. */
  readonly blockHeaders: readonly string[];
}

/**
 * `body` starts with what the user types to trigger it (matched against the line after its
 * indentation); `\n` starts a new line at the current indentation and `\t` adds one indent unit.
 */
export interface Snippet {
  readonly label: string;
  readonly body: string;
}

export const EMPTY_TABLE: LanguageTable = {
  statementKeywords: [],
  expressionKeywords: [],
  builtins: [],
  members: {},
  genericMembers: [],
  directives: [],
  snippets: [],
  blocks: 'brace',
  defaultIndent: '    ',
  lineComment: null,
  blockComment: null,
  blockHeaders: [],
};
