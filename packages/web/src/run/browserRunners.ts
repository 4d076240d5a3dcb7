import type { BrowserRunLanguage } from '@pairwise/protocol';
import { browserProgramHost } from './javascript/browserPrograms';
import { JavaScriptRunner } from './javascript/javascriptRunner';
import { PythonRunner } from './python/python-runner';
import type { CodeRunner } from './runner';

/** The runners of one room page, made on first use and kept (warm) until `dispose`. */
export interface BrowserRunners {
  runnerFor(language: BrowserRunLanguage): CodeRunner;
  dispose(): void;
}

export function browserRunners(): BrowserRunners {
  const made = new Map<BrowserRunLanguage, CodeRunner>();
  // JavaScript and TypeScript share one transpiling worker.
  let programs: ReturnType<typeof browserProgramHost> | null = null;
  const make = (language: BrowserRunLanguage): CodeRunner => {
    switch (language) {
      case 'javascript':
      case 'typescript':
        programs ??= browserProgramHost();
        return new JavaScriptRunner(language, programs);
      case 'python':
        return new PythonRunner();
    }
  };
  return {
    runnerFor: (language) => {
      const known = made.get(language);
      if (known) return known;
      const runner = make(language);
      made.set(language, runner);
      return runner;
    },
    dispose: () => {
      for (const runner of made.values()) runner.dispose();
      made.clear();
      programs = null;
    },
  };
}
