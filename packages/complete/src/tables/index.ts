import type { LanguageId } from '@pairwise/protocol';
import { CPP } from './cpp.js';
import { JAVA } from './java.js';
import { JAVASCRIPT, TYPESCRIPT } from './javascript.js';
import { PYTHON } from './python.js';
import { EMPTY_TABLE } from './types.js';
import type { LanguageTable } from './types.js';

export type { LanguageTable, Snippet } from './types.js';

const CPP_ONLY = /std::|iostream|^class|auto&/;

const TABLES: Partial<Record<LanguageId, LanguageTable>> = {
  python: PYTHON,
  javascript: JAVASCRIPT,
  typescript: TYPESCRIPT,
  java: JAVA,
  cpp: CPP,
  // C shares the brace, comment and preprocessor conventions; its keywords are a subset of C++'s.
  c: { ...CPP, members: {}, snippets: CPP.snippets.filter((s) => !CPP_ONLY.test(s.body)) },
};

/** Languages without a table still get document-driven identifier and line completion. */
export function tableFor(language: LanguageId): LanguageTable {
  return TABLES[language] ?? EMPTY_TABLE;
}
