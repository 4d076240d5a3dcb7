import { BROWSER_RUN_LANGUAGES, type BrowserRunLanguage, type LanguageId, type RunSummary } from '@pairwise/protocol';

export function isBrowserRunLanguage(language: string): language is BrowserRunLanguage {
  return (BROWSER_RUN_LANGUAGES as readonly string[]).includes(language);
}

/**
 * Why this person cannot run the room's code now (the Run button's title), or null when they can.
 * The server checks the same rules; this only keeps a button from promising what it would refuse.
 */
export function runBlockedReason(options: {
  canEdit: boolean;
  runCodeOn: boolean;
  /** Who runs the room's code now, when it is someone else (a room runs one program at a time). */
  runningElsewhere: string | null;
  language: LanguageId;
}): string | null {
  if (!options.canEdit) return 'Only editors and owners can run the code';
  if (!options.runCodeOn) return 'The owner turned running code off in this room';
  if (options.runningElsewhere !== null) return `${options.runningElsewhere} is running the code; wait for it to end`;
  if (!isBrowserRunLanguage(options.language)) return 'Running works for Python, JavaScript and TypeScript';
  return null;
}

/** "1.2 s", "850 ms", "2 min 5 s". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

/** How a run ended, as the console says it. */
export function runStatusText(run: Pick<RunSummary, 'status' | 'exitCode'>): string {
  switch (run.status) {
    case 'running':
      return 'Running…';
    case 'exited':
    case 'failed':
      return run.exitCode === null ? 'Failed' : `Exit ${run.exitCode}`;
    case 'stopped':
      return 'Stopped';
    case 'timed-out':
      return 'Time limit reached';
    case 'lost':
      return 'Lost (the runner left)';
  }
}
