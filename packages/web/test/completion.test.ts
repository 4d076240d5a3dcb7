import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { chromiumAvailable } from './support/browser';
import { useBrowserSuite } from './support/suite';
import {
  GHOST_TEXT,
  countRequests,
  localCompletions,
  createRoom,
  editorText,
  ghostText,
  giveOwnerKey,
  joinRoom,
  nextFrames,
  placeCaret,
} from './support/room';

const POLL = { timeout: 15_000, interval: 100 };
/** Comfortably longer than the 400 ms default pause plus a local-engine answer. */
const SETTLE_MS = 1500;

/** Caret on a fresh line at the end of the document, then `text` typed like a person would. */
async function typeOnNewLine(page: Page, text: string): Promise<void> {
  await placeCaret(page, 'end');
  await page.keyboard.press('Enter');
  await page.keyboard.type(text, { delay: 40 });
}

describe.skipIf(!chromiumAvailable())('suggestions in Chromium against the real server', () => {
  const { base, newPage } = useBrowserSuite();
  /** Alice owns the room (she holds its owner key); Bruno is a guest editor. */
  const pair = async (name: string) => {
    const room = await createRoom(base(), { name, language: 'python' });
    const a = await newPage();
    const b = await newPage();
    await giveOwnerKey(a, base(), room);
    await joinRoom(a, base(), room.id, 'Alice');
    await joinRoom(b, base(), room.id, 'Bruno');
    return { a, b };
  };

  it('shows ghost text after a pause; Tab accepts it and the partner sees it arrive', async () => {
    const { a, b } = await pair('Ghost text');
    await typeOnNewLine(a, 'pri');
    await a.locator(GHOST_TEXT).first().waitFor({ state: 'visible' });
    expect(await ghostText(a)).toMatch(/^nt/);
    // Ghost text is local decoration, never document text.
    expect((await editorText(b)).split('\n').at(-1)).not.toBe('print');

    await a.keyboard.press('Tab');
    await expect.poll(async () => (await editorText(b)).split('\n').at(-1), POLL).toBe('print');

    // An ordinary edit through the binding: A's undo takes it back for everyone.
    await a.keyboard.press('Control+z');
    await expect.poll(async () => (await editorText(b)).split('\n').at(-1), POLL).toBe('pri');
  }, 90_000);

  it('Esc dismisses ghost text; typing what it shows keeps it, anything else drops it', async () => {
    const { a } = await pair('Dismiss');
    await typeOnNewLine(a, 'pri');
    await a.locator(GHOST_TEXT).first().waitFor({ state: 'visible' });
    await a.keyboard.type('n');
    // Read on the next paint, long before a refetch could answer: Monaco kept the ghost text.
    await nextFrames(a);
    expect(await ghostText(a)).toMatch(/^t/);
    await a.keyboard.type('x');
    await expect.poll(() => a.locator(GHOST_TEXT).count(), POLL).toBe(0);

    await a.keyboard.press('Backspace');
    await a.keyboard.press('Backspace');
    await a.locator(GHOST_TEXT).first().waitFor({ state: 'visible' });
    await a.keyboard.press('Escape');
    await expect.poll(() => a.locator(GHOST_TEXT).count(), POLL).toBe(0);
    expect((await editorText(a)).split('\n').at(-1)).toBe('pri');
  }, 90_000);

  it("Ctrl+Space lists the engine's suggestions with one request, and picking one inserts it", async () => {
    const { a, b } = await pair('List');
    await typeOnNewLine(a, 'pri');
    await a.locator(GHOST_TEXT).first().waitFor({ state: 'visible' });
    const before = await localCompletions(a);

    await a.keyboard.press('Control+Space');
    const rows = a.locator('.suggest-widget .monaco-list-row');
    await rows.first().waitFor({ state: 'visible' });
    expect(await rows.allTextContents()).toContain('print');
    await a.waitForTimeout(SETTLE_MS);
    expect((await localCompletions(a)) - before).toBe(1);

    await rows.filter({ hasText: /^print$/ }).click();
    await expect.poll(async () => (await editorText(b)).split('\n').at(-1), POLL).toBe('print');
  }, 90_000);

  it('with the room switch off, the partner gets no ghost text and computes none', async () => {
    const { a, b } = await pair('Interview');

    await a.getByTestId('suggestions-toggle').click();
    await a.getByRole('switch', { name: /Suggestions for this room/ }).uncheck();
    await a.keyboard.press('Escape');
    await b.getByTestId('suggestions-off-hint').waitFor();
    expect(await b.getByTestId('suggestions-toggle').getAttribute('data-state')).toBe('off');

    await typeOnNewLine(b, 'pri');
    await b.waitForTimeout(SETTLE_MS);
    expect(await b.locator(GHOST_TEXT).count()).toBe(0);
    expect(await localCompletions(b)).toBe(0);

    // Only the owner has the room's switch.
    await b.getByTestId('suggestions-toggle').click();
    expect(await b.getByRole('switch', { name: /Suggestions for this room/ }).count()).toBe(0);
    await b.keyboard.press('Escape');

    // Back on: the same pause now brings ghost text, so the check above was real.
    await a.getByTestId('suggestions-toggle').click();
    await a.getByRole('switch', { name: /Suggestions for this room/ }).check();
    await a.keyboard.press('Escape');
    await b.getByTestId('suggestions-off-hint').waitFor({ state: 'detached' });
    await typeOnNewLine(b, 'pri');
    await b.locator(GHOST_TEXT).first().waitFor({ state: 'visible' });
  }, 90_000);

  it("the browser toggle is remembered, and a partner's typing computes nothing in an idle editor", async () => {
    const { a, b } = await pair('Quiet');
    await typeOnNewLine(a, 'pri');
    await a.locator(GHOST_TEXT).first().waitFor({ state: 'visible' });
    const afterTyping = await localCompletions(a);

    await placeCaret(b, 'start');
    for (const chunk of ['# one', ' two', ' three']) {
      await b.keyboard.type(chunk, { delay: 40 });
      await b.waitForTimeout(700);
    }
    await expect.poll(() => editorText(a), POLL).toContain('# one two three');
    expect(await localCompletions(a)).toBe(afterTyping);
    // A's ghost text survives the partner's edits elsewhere.
    expect(await ghostText(a)).toMatch(/^nt/);

    await b.getByTestId('suggestions-toggle').click();
    await b.getByRole('switch', { name: 'Show suggestions' }).uncheck();
    await b.keyboard.press('Escape');
    await b.reload();
    await b.locator('.monaco-editor .view-lines').waitFor();
    expect(await b.getByTestId('suggestions-toggle').getAttribute('data-state')).toBe('off');
    // Only B's browser: the room is unaffected.
    expect(await a.getByTestId('suggestions-toggle').getAttribute('data-state')).toBe('on');
    expect(await a.getByTestId('suggestions-off-hint').count()).toBe(0);
  }, 90_000);
});

describe.skipIf(!chromiumAvailable())('suggestions without the network', () => {
  const { base, newPage } = useBrowserSuite();

  it("a fresh JavaScript room offline: the page's own engine answers, with the language prior loaded when the room opened", async () => {
    const room = await createRoom(base(), { name: 'Offline', language: 'javascript' });
    const page = await newPage();
    const requests = countRequests(page, '/api/autocomplete');
    await joinRoom(page, base(), room.id, 'Alice');
    // Loaded before the first keystroke: the room's language is known when the editor opens.
    const priorBytes = await page.waitForFunction(
      (name) => (performance.getEntriesByName(name)[0] as PerformanceMeasure | undefined)?.detail?.bytes,
      'pairwise:completion-prior',
      POLL,
    );
    expect(await priorBytes.jsonValue()).toBeGreaterThan(100_000);
    await page.context().setOffline(true);

    await typeOnNewLine(page, 'cons');
    await page.locator(GHOST_TEXT).first().waitFor({ state: 'visible' });
    await page.keyboard.press('Tab');
    expect((await editorText(page)).split('\n').at(-1)).toBe('console');

    // Nothing in the starter code says what follows `module.exp`: only the prior knows.
    await page.keyboard.press('Enter');
    await page.keyboard.type('module.exp', { delay: 40 });
    await page.locator(GHOST_TEXT).first().waitFor({ state: 'visible' });
    expect(await ghostText(page)).toMatch(/^orts/);
    await page.keyboard.press('Tab');
    expect((await editorText(page)).split('\n').at(-1)).toMatch(/^module\.exports/);
    expect(requests()).toBe(0);
    await page.context().setOffline(false);
  }, 90_000);
});
