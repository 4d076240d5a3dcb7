export type { CompletionProvider, CompletionRequest } from './provider.js';
export { LocalCompletionProvider } from './local.js';
