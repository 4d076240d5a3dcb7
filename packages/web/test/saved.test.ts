import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SlowedStore } from '../../server/test/support/slowed-store';
import { startTestServer, type TestServer } from '../../server/test/support/test-server';
import { chromiumAvailable, launchChromium } from './support/browser';
import { createRoom, joinRoom, newUserPage, placeCaret } from './support/room';
import { WEB_DIST } from './support/server';

/**
 * "Saved" means stored: the badge against the real server (in this process, serving the built app)
 * whose writes are slowed on purpose and can be held, so an edit the server has but has not stored
 * can be seen on screen.
 */

const WRITE_DELAY_MS = 200;
const POLL = { timeout: 20_000, interval: 50 };

describe.skipIf(!chromiumAvailable())('the Saved badge in Chromium, with slow storage', () => {
  let store: SlowedStore;
  let server: TestServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let release: (() => void) | null = null;

  beforeAll(async () => {
    store = new SlowedStore(WRITE_DELAY_MS);
    server = await startTestServer({ store, webDistDir: WEB_DIST });
    browser = await launchChromium();
  }, 60_000);

  afterEach(() => {
    release?.();
    release = null;
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await server?.close();
  }, 30_000);

  const label = (page: Page) => page.getByTestId('connection-badge').locator('.badge__label').textContent();

  /** A room with one user whose badge says Saved, caret at the end. */
  async function savedRoom(name: string): Promise<{ page: Page; roomId: string }> {
    const room = await createRoom(server.url, { language: 'plaintext' });
    const page = await newUserPage(browser, contexts);
    await joinRoom(page, server.url, room.id, name);
    await expect.poll(() => label(page), POLL).toBe('Saved');
    await placeCaret(page, 'end');
    return { page, roomId: room.id };
  }

  const wroteRoom = (from: number, roomId: string) => store.started.slice(from).some((write) => write.roomIds.includes(roomId));
  const writesOf = (writes: readonly { roomIds: readonly string[] }[], roomId: string) =>
    writes.filter((write) => write.roomIds.includes(roomId)).length;
  const allFinished = (roomId: string) => writesOf(store.started, roomId) === writesOf(store.finished, roomId);

  it('says Saving… while the server has the edit but has not stored it, then Saved', async () => {
    const { page, roomId } = await savedRoom('Sam Saver');
    release = store.hold();
    const startedBefore = store.started.length;
    await page.keyboard.type('x');
    await expect.poll(() => label(page), POLL).toBe('Saving…');
    // The write with the edit is under way and held: the server has the edit, storage does not.
    await expect.poll(() => wroteRoom(startedBefore, roomId), POLL).toBe(true);
    await page.waitForTimeout(WRITE_DELAY_MS + 500);
    expect(await label(page)).toBe('Saving…');

    release();
    await expect.poll(() => label(page), POLL).toBe('Saved');
    expect(store.finished.some((write) => write.roomIds.includes(roomId))).toBe(true);
  }, 60_000);

  it('an edit that only deletes is Saving… too until it is stored (it adds no struct, but it is a frame)', async () => {
    const { page, roomId } = await savedRoom('Dee Deleter');
    const typedFrom = store.started.length;
    await page.keyboard.type('xy');
    // Stored means every write with the typing has finished. 'Saved' alone can be the label from before
    // the typing: holding then would hold the write with the typing, and the room's next write (the
    // delete) would wait behind it forever (a CI failure, 2026-12-02).
    await expect.poll(() => wroteRoom(typedFrom, roomId) && allFinished(roomId), POLL).toBe(true);
    await expect.poll(() => label(page), POLL).toBe('Saved');
    release = store.hold();
    const startedBefore = store.started.length;
    await page.keyboard.press('Backspace');
    await expect.poll(() => wroteRoom(startedBefore, roomId), POLL).toBe(true);
    expect(await label(page)).toBe('Saving…');
    release();
    await expect.poll(() => label(page), POLL).toBe('Saved');
  }, 60_000);

  it('offline, counts the edits waiting, and says Saved once they are stored after coming back', async () => {
    const { page } = await savedRoom('Olga Offline');
    release = store.hold();
    await page.context().setOffline(true);
    await expect.poll(() => label(page), POLL).toBe('Offline');
    await page.keyboard.type('abc');
    await expect.poll(() => label(page), POLL).toBe('Offline — 3 edits waiting');
    await page.keyboard.type('d');
    await expect.poll(() => label(page), POLL).toBe('Offline — 4 edits waiting');

    await page.context().setOffline(false);
    release();
    await expect.poll(() => label(page), POLL).toBe('Saved');
  }, 60_000);

  it('asks before the page closes while an edit is not stored, and not once it is', async () => {
    const { page } = await savedRoom('Una Unload');
    release = store.hold();
    await page.keyboard.type('y');
    await expect.poll(() => label(page), POLL).toBe('Saving…');
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.type());
      void dialog.dismiss();
    });
    await page.close({ runBeforeUnload: true });
    await expect.poll(() => dialogs, POLL).toEqual(['beforeunload']);
    expect(page.isClosed()).toBe(false);

    release();
    await expect.poll(() => label(page), POLL).toBe('Saved');
    await page.close({ runBeforeUnload: true });
    await expect.poll(() => page.isClosed(), POLL).toBe(true);
    expect(dialogs).toEqual(['beforeunload']);
  }, 60_000);
});
