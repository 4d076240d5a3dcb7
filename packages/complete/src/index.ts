/**
 * The local completion engine: pure, synchronous and deterministic, with no Node or DOM APIs, so the
 * server (POST /api/autocomplete, and the fallback of model-backed providers) and the browser's
 * completion worker run the same code.
 */
export { completeLocally } from './engine.js';
export { cursorInsideWord, fitBeforeFollowing } from './fit.js';
export { emptyResponse } from './request.js';
export type { CompletionRequest } from './request.js';
export { isLowSurrogate, lineEnd, lineStartOf, safeSlice, splitsSurrogatePair } from './text.js';
export type { LanguagePrior, PriorContinuation } from './prior.js';
export { decodePrior, decodePriorTables, encodePrior, NgramPrior, priorFileName, trainPrior } from './prior/index.js';
export type { PriorTables, TrainingOptions } from './prior/index.js';
