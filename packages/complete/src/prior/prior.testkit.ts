import type { LanguageId } from '@pairwise/protocol';
import type { TrainingOptions } from './train.js';
import { decodePrior, encodePrior, trainPrior } from './index.js';
import type { LanguagePrior } from '../prior.js';

/** Keeps everything a tiny corpus has, so expected answers can be worked out by hand. */
export const TINY_OPTIONS: TrainingOptions = {
  maxOrder: 3,
  vocabularySize: 1_000,
  minTokenCount: 1,
  maxTokenLength: 48,
  minContextCount: 1,
  maxPredictions: 8,
  minPredictionCount: 1,
};

/** A prior trained on `texts`, through the file format as a real one is. */
export function tinyPrior(language: LanguageId, texts: readonly string[]): LanguagePrior {
  return decodePrior(language, encodePrior(trainPrior(language, texts, TINY_OPTIONS)));
}
