import type { CompletionRunsOn } from './completion.js';
import type { RunnerInfo } from './runs.js';

/** `GET /api/capabilities`: what this server offers, so the web app offers exactly that. */
export interface ServerCapabilities {
  completion: CompletionRunsOn;
  /** Where code runs: in the browser only, or also on this server (RUNNER=sandbox) for `serverLanguages`. */
  runs: RunnerInfo;
}
