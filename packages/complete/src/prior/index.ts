import type { LanguageId } from '@pairwise/protocol';
import type { LanguagePrior } from '../prior.js';
import { decodePriorTables } from './format.js';
import { NgramPrior } from './predict.js';

export { decodePriorTables, encodePrior, priorFileName } from './format.js';
export { trainPrior } from './train.js';
export type { TrainingOptions } from './train.js';
export type { PriorTables } from './tables.js';
export { NgramPrior } from './predict.js';

/** A language's prior from its file's contents (already gunzipped). Throws when they are not that. */
export function decodePrior(language: LanguageId, bytes: Uint8Array): LanguagePrior {
  return new NgramPrior(decodePriorTables(language, bytes));
}
