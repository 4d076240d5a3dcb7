import {
  BROWSER_RUN_LANGUAGES,
  type BrowserRunLanguage,
  type LanguageId,
  type RunSummary,
  type ServerRunLanguage,
} from '@pairwise/protocol';

export function isBrowserRunLanguage(language: string): language is BrowserRunLanguage {
  return (BROWSER_RUN_LANGUAGES as readonly string[]).includes(language);
}

/**
 * Whether Run sends the room's code to the server: only for languages the browser cannot run and the
 * server does (Java, C++ with RUNNER=sandbox). Python keeps running in the browser, at no server cost.
 */
export function runsOnServer(language: string, serverLanguages: readonly ServerRunLanguage[]): language is ServerRunLanguage {
  return !isBrowserRunLanguage(language) && (serverLanguages as readonly string[]).includes(language);
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
  /** What the server runs itself (empty unless RUNNER=sandbox). */
  serverLanguages: readonly ServerRunLanguage[];
}): string | null {
  if (!options.canEdit) return 'Only editors and owners can run the code';
  if (!options.runCodeOn) return 'The owner turned running code off in this room';
  if (options.runningElsewhere !== null) return `${options.runningElsewhere} is running the code; wait for it to end`;
  if (isBrowserRunLanguage(options.language) || runsOnServer(options.language, options.serverLanguages)) return null;
  const onServer = options.serverLanguages.filter((language) => !isBrowserRunLanguage(language)).map(serverLanguageLabel);
  return `Running works for Python, JavaScript and TypeScript${onServer.length > 0 ? `, and ${onServer.join(' and ')} on the server` : ''}`;
}

function serverLanguageLabel(language: ServerRunLanguage): string {
  return { java: 'Java', cpp: 'C++', python: 'Python' }[language];
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
