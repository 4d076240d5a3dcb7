export type { CompletionProvider, CompletionRequest } from './provider.js';
export { LocalCompletionProvider } from './local.js';
export { OpenAiCompletionProvider } from './openai.js';
export type { OpenAiCompletionOptions } from './openai.js';
