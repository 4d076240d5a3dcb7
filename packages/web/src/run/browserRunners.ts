import type { BrowserRunLanguage } from '@pairwise/protocol';
import { browserProgramHost } from './javascript/browserPrograms';
import { JavaScriptRunner } from './javascript/javascriptRunner';
import type { CodeRunner } from './runner';

/** Languages this build can run in the browser (Python once the Pyodide runner is plugged in below). */
export function runsInBrowser(language: BrowserRunLanguage): boolean {
  return language !== 'python';
}

/** The runners of one room page, made on first use and kept (warm) until `dispose`. */
export interface BrowserRunners {
  runnerFor(language: BrowserRunLanguage): CodeRunner | null;
  dispose(): void;
}

export function browserRunners(): BrowserRunners {
  const made = new Map<BrowserRunLanguage, CodeRunner>();
  // JavaScript and TypeScript share one transpiling worker.
  let programs: ReturnType<typeof browserProgramHost> | null = null;
  const make = (language: BrowserRunLanguage): CodeRunner | null => {
    switch (language) {
      case 'javascript':
      case 'typescript':
        programs ??= browserProgramHost();
        return new JavaScriptRunner(language, programs);
      case 'python':
        // The Pyodide runner (run/python/) plugs in here.
        return null;
    }
  };
  return {
    runnerFor: (language) => {
      const known = made.get(language);
      if (known) return known;
      const runner = make(language);
      if (runner) made.set(language, runner);
      return runner;
    },
    dispose: () => {
      for (const runner of made.values()) runner.stop();
      made.clear();
      programs?.dispose();
      programs = null;
    },
  };
}
