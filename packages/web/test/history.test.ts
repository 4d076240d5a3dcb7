import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { chromiumAvailable } from './support/browser';
import { useBrowserSuite } from './support/suite';
import { createRoom, editorText, getRoom, giveOwnerKey, joinRoom, nextFrames, placeCaret } from './support/room';

const POLL = { timeout: 15_000, interval: 100 };

/** The rendered lines of the Monaco editor inside `container` (short documents only, like editorText). */
async function textIn(page: Page, container: string): Promise<string> {
  const lines = await page.evaluate(
    (selector) =>
      Array.from(document.querySelectorAll<HTMLElement>(`${selector} .view-lines > .view-line`))
        .map((el) => ({ top: Number.parseFloat(el.style.top) || 0, text: el.textContent ?? '' }))
        .sort((x, y) => x.top - y.top)
        .map((line) => line.text),
    container,
  );
  return lines.join('\n').replace(/\u00a0/g, ' ');
}

/** A paste into the focused editor, as the browser delivers one (the clipboard itself needs permissions). */
async function pasteText(page: Page, text: string): Promise<void> {
  await page.evaluate((pasted) => {
    const data = new DataTransfer();
    data.setData('text/plain', pasted);
    document.activeElement?.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, text);
}

const playbackText = (page: Page) => textIn(page, '[data-testid="playback-code"]');
const seqShown = async (page: Page) => Number(await page.getByTestId('playback').getAttribute('data-seq'));

/** Clicks "Next change" and waits until the next point is on screen. */
async function stepOnce(page: Page): Promise<number> {
  const before = await seqShown(page);
  await page.getByRole('button', { name: 'Next change' }).click();
  await expect.poll(() => seqShown(page), POLL).not.toBe(before);
  await nextFrames(page);
  return seqShown(page);
}

describe.skipIf(!chromiumAvailable())('history in Chromium against the real server', () => {
  const { base, newPage } = useBrowserSuite();

  it('saves a version, compares it with now in the diff editor, and restores it', async () => {
    const room = await createRoom(base(), { name: 'Versions', language: 'python' });
    const page = await newPage();
    await giveOwnerKey(page, base(), room);
    await joinRoom(page, base(), room.id, 'Ada');
    await placeCaret(page, 'end');
    await page.keyboard.type('first = 1');
    await expect.poll(async () => (await getRoom(base(), room.id, room.ownerKey)).code, POLL).toContain('first = 1');
    const saved = (await getRoom(base(), room.id, room.ownerKey)).code;

    await page.getByTestId('history-button').click();
    await page.getByLabel('Version name').fill('before refactor');
    await page.getByRole('button', { name: 'Save version' }).click();
    const version = page.getByTestId('version').filter({ hasText: 'before refactor' });
    await expect.poll(() => version.count(), POLL).toBe(1);
    await expect.poll(() => version.locator('.version__author').allInnerTexts(), POLL).toEqual(['Ada']);

    await placeCaret(page, 'end');
    await page.keyboard.type(' + later_change');
    await expect.poll(async () => (await getRoom(base(), room.id, room.ownerKey)).code, POLL).toContain('later_change');

    await version.getByRole('button', { name: 'Compare with now' }).click();
    const diff = page.getByTestId('diff-editor');
    await expect.poll(() => diff.getAttribute('data-changes'), POLL).toBe('1');
    await expect.poll(() => textIn(page, '[data-testid="diff-editor"] .editor.modified'), POLL).toContain('first = 1 + later_change');
    expect(await textIn(page, '[data-testid="diff-editor"] .editor.original')).not.toContain('later_change');
    // Monaco paints the diff's decorations on a later frame than it reports the diff (data-changes).
    await expect.poll(() => page.locator('[data-testid="diff-editor"] .editor.modified .char-insert').count(), POLL).toBeGreaterThan(0);
    await page.getByRole('button', { name: 'Back to editor' }).click();

    // Two versions compared with each other: the older one on the left.
    await page.getByLabel('Version name').fill('after');
    await page.getByRole('button', { name: 'Save version' }).click();
    const after = page.getByTestId('version').filter({ hasText: 'after' }).filter({ hasNotText: 'before' });
    await expect.poll(() => after.count(), POLL).toBe(1);
    await after.getByRole('checkbox').check();
    await version.getByRole('checkbox').check();
    await page.getByRole('button', { name: 'Compare selected' }).click();
    await expect.poll(() => diff.getAttribute('data-changes'), POLL).toBe('1');
    await expect.poll(() => textIn(page, '[data-testid="diff-editor"] .editor.modified'), POLL).toContain('later_change');
    expect(await textIn(page, '[data-testid="diff-editor"] .editor.original')).not.toContain('later_change');
    await page.getByRole('button', { name: 'Back to editor' }).click();

    await version.getByRole('button', { name: 'Restore…' }).click();
    await page.getByTestId('confirm-restore').getByRole('button', { name: 'Restore' }).click();
    await expect.poll(() => editorText(page), POLL).not.toContain('later_change');
    await expect.poll(async () => (await getRoom(base(), room.id, room.ownerKey)).code, POLL).toBe(saved);
    expect(await editorText(page)).toContain('first = 1');
  }, 90_000);

  it('replays the typing step by step, marks a paste, jumps to a moment, and plays to the end', async () => {
    const room = await createRoom(base(), { name: 'Replay', language: 'python' });
    const page = await newPage();
    await giveOwnerKey(page, base(), room);
    await joinRoom(page, base(), room.id, 'Grace');
    const start = (await getRoom(base(), room.id, room.ownerKey)).code;
    await placeCaret(page, 'end');
    // One keystroke at a time, each sent (and stored) as its own change.
    for (const key of 'xyz') {
      await page.keyboard.type(key);
      await expect.poll(async () => (await getRoom(base(), room.id)).code, POLL).toMatch(new RegExp(`${key}$`));
    }
    const pasted = ' = "pasted in one go, not typed"';
    await pasteText(page, pasted);
    const end = `${start}xyz${pasted}`;
    await expect.poll(async () => (await getRoom(base(), room.id)).code, POLL).toBe(end);

    await page.getByTestId('history-button').click();
    await page.getByTestId('replay-button').click();
    await expect.poll(() => seqShown(page), POLL).toBeGreaterThan(0);
    await expect.poll(() => playbackText(page), POLL).toBe(start);

    const expected = [`${start}x`, `${start}xy`, `${start}xyz`];
    const seqs: number[] = [];
    for (const text of expected) {
      seqs.push(await stepOnce(page));
      await expect.poll(() => playbackText(page), POLL).toBe(text);
      expect(await page.getByTestId('paste-badge').count()).toBe(0);
    }
    seqs.push(await stepOnce(page));
    await expect.poll(() => playbackText(page), POLL).toBe(end);
    expect(await page.getByTestId('paste-badge').count()).toBe(1);
    await expect.poll(() => page.getByRole('button', { name: 'Next change' }).isDisabled(), POLL).toBe(true);
    await expect.poll(() => page.getByTestId('lanes').getAttribute('data-complete'), POLL).toBe('true');
    // A lane per author: the starter code is the server's (Pairwise), the typing Grace's.
    const authors = await page.getByTestId('lane').evaluateAll((lanes) => lanes.map((lane) => lane.getAttribute('data-author')));
    expect(authors.sort()).toEqual(['Grace', 'Pairwise']);
    const lane = page.locator('[data-testid="lane"][data-author="Grace"]');
    expect(await lane.locator('.lane__mark--paste').count()).toBe(1);
    expect(await page.getByTestId('playback-moment').textContent()).toContain('Grace');

    // Jump back to the moment after "xy".
    await page.getByLabel('Moment in the timeline').fill(String(seqs[1]));
    await expect.poll(() => seqShown(page), POLL).toBe(seqs[1]);
    await expect.poll(() => playbackText(page), POLL).toBe(expected[1]);

    await page.getByLabel('10×').check({ force: true });
    await page.getByTestId('playback').getByRole('button', { name: 'Play', exact: true }).click();
    await expect.poll(() => playbackText(page), POLL).toBe(end);
    await expect.poll(() => page.getByTestId('playback').getAttribute('data-playing'), POLL).toBe('false');

    await page.getByRole('button', { name: 'Back to editor' }).click();
    await expect.poll(() => editorText(page), POLL).toContain('pasted in one go');
  }, 90_000);

  it('the owner makes history owners-only: an editor no longer gets the History button, the owner still does', async () => {
    const room = await createRoom(base(), { name: 'Interview', language: 'python' });
    const owner = await newPage();
    await giveOwnerKey(owner, base(), room);
    await joinRoom(owner, base(), room.id, 'Olive');
    await owner.getByTestId('share-button').click();
    const setting = owner.getByTestId('share-history-access');
    expect(await setting.getByRole('radio', { name: /Everyone who can edit/ }).isChecked()).toBe(true);
    await setting.getByRole('radio', { name: /Owners only/ }).click();
    await expect.poll(() => setting.getByRole('radio', { name: /Owners only/ }).isChecked(), POLL).toBe(true);
    await owner.getByTestId('share-dialog').getByRole('button', { name: 'Close' }).click();
    expect((await getRoom(base(), room.id)).historyAccess).toBe('owners');

    const candidate = await newPage();
    await joinRoom(candidate, base(), room.id, 'Casey');
    expect(await candidate.getByTestId('room').getAttribute('data-role')).toBe('editor');
    expect(await candidate.getByTestId('history-button').count()).toBe(0);
    await owner.getByTestId('history-button').click();
    await owner.getByTestId('history-panel').waitFor();
  }, 90_000);
});
