export type { CompletionProvider, CompletionRequest } from './provider.js';
export { LocalCompletionProvider } from './local.js';
export { installedPriorsDir, PriorStore } from './priors.js';
export type { PriorLoadFailure } from './priors.js';
export { OpenAiCompletionProvider } from './openai.js';
export type { OpenAiCompletionOptions } from './openai.js';
