import { type AutoVersionTiming, DEFAULT_AUTO_VERSION_TIMING } from './auto-versions.js';
import { DEFAULT_HISTORY_RETENTION, type HistoryRetentionPolicy } from './history-thinning.js';

/** When automatic versions are taken and how long history is kept (AUTO_VERSION_*, HISTORY_*). */
export interface HistoryConfig {
  autoVersions: AutoVersionTiming;
  retention: HistoryRetentionPolicy;
}

export const DEFAULT_HISTORY_CONFIG: HistoryConfig = { autoVersions: DEFAULT_AUTO_VERSION_TIMING, retention: DEFAULT_HISTORY_RETENTION };
