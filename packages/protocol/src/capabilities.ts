import type { CompletionRunsOn } from './completion.js';

/** `GET /api/capabilities`: what this server offers, so the web app offers exactly that. */
export interface ServerCapabilities {
  completion: CompletionRunsOn;
}
