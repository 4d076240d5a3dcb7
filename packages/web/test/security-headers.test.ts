import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { chromiumAvailable } from './support/browser';
import { createRoom, joinRoom, placeCaret } from './support/room';
import { useBrowserSuite } from './support/suite';

/**
 * The server's security headers against the real web app in Chromium: the Content-Security-Policy
 * is strict (no eval, scripts only from the server plus the hashed theme script) and the app
 * satisfies it, the editor's worker included: not one violation on the home page or in a room
 * where someone types and opens suggestions.
 */

/** Records every CSP violation the page reports, from before its first script runs. */
async function watchViolations(page: Page): Promise<() => Promise<string[]>> {
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { cspViolations: string[] }).cspViolations = seen;
    document.addEventListener('securitypolicyviolation', (e) =>
      seen.push(`${e.violatedDirective} blocked ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}`),
    );
  });
  const consoleErrors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  return async () => [...(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations)), ...consoleErrors];
}

describe.skipIf(!chromiumAvailable())('security headers in Chromium', () => {
  const { base, newPage } = useBrowserSuite();

  it('every page carries a strict CSP that allows the inline theme script by hash, and helmet’s headers', async () => {
    const response = await fetch(`${base()}/`);
    const html = await response.text();
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(html).toContain('pairwise.theme');
    expect(csp).toMatch(/script-src 'self' 'wasm-unsafe-eval' 'sha256-[A-Za-z0-9+/]+=*'/);
    expect(csp).not.toContain("'unsafe-eval'");
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(response.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(response.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
  });

  it('the app serves Pyodide itself (never a CDN): the interpreter as application/wasm, the loader and the standard library', async () => {
    const files: [string, RegExp][] = [
      ['pyodide.mjs', /javascript/],
      ['pyodide.asm.mjs', /javascript/],
      ['pyodide.asm.wasm', /^application\/wasm/],
      ['python_stdlib.zip', /^application\/zip/],
      ['pyodide-lock.json', /^application\/json/],
    ];
    for (const [file, type] of files) {
      const response = await fetch(`${base()}/pyodide/${file}`, { method: 'HEAD' });
      expect(response.status, file).toBe(200);
      expect(response.headers.get('content-type'), file).toMatch(type);
      expect(response.headers.get('cross-origin-resource-policy'), file).toBe('same-origin');
    }
  });

  it('the home page and a room with typing, suggestions and the editor worker cause no CSP violation', async () => {
    const page = await newPage();
    const violations = await watchViolations(page);
    let workers = 0;
    page.on('worker', () => workers++);

    await page.goto(`${base()}/`);
    await page.getByRole('button', { name: 'Create room' }).waitFor();
    // The inline theme script ran (it is allowed by its hash): the theme is set before the app starts.
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toMatch(/^(light|dark)$/);

    const room = await createRoom(base(), { language: 'python' });
    await joinRoom(page, base(), room.id, 'Ada');
    await placeCaret(page, 'end');
    await page.keyboard.type('\nimport os\nos.pa', { delay: 60 });
    await page.keyboard.press('Control+Space');
    await page.locator('.monaco-editor .suggest-widget.visible').waitFor();

    await expect.poll(() => workers, { timeout: 10_000 }).toBeGreaterThan(0);
    // Cross-origin isolated (what a Python run needs), with Monaco and its worker working under it.
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    expect(await violations()).toEqual([]);
  }, 60_000);
});
