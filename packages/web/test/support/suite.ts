import { afterAll, beforeAll } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from './browser';
import { newUserPage } from './room';
import { startServer, type RunningServer } from './server';

export interface BrowserSuite {
  /** The real server's base URL, e.g. http://127.0.0.1:41234. */
  base(): string;
  /** A page in a fresh browser context (its own localStorage), closed after the suite. */
  newPage(): Promise<Page>;
  /** Stops the server and starts it again on the same port with the same data (open pages reconnect). */
  restartServer(): Promise<void>;
}

/** Something the server depends on (e.g. a database of the suite's own), started first and stopped last. */
export interface SuiteService {
  /** Environment for the server process. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * Starts the built server and Chromium for a `describe` block and closes both afterwards; with
 * `service`, starts that first and passes its environment to the server.
 */
export function useBrowserSuite(service?: () => Promise<SuiteService>): BrowserSuite {
  let started: SuiteService | undefined;
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    started = await service?.();
    server = await startServer({ env: started?.env ?? {} });
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await server?.stop();
    await started?.stop();
  }, 30_000);

  return {
    base: () => {
      if (!server) throw new Error('server not started');
      return server.baseUrl;
    },
    newPage: () => {
      if (!browser) throw new Error('browser not started');
      return newUserPage(browser, contexts);
    },
    restartServer: () => {
      if (!server) throw new Error('server not started');
      return server.restart();
    },
  };
}
