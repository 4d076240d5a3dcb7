import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { startPrivatePostgres, type PrivatePostgres } from '../../server/test/support/private-postgres';
import { chromiumAvailable } from './support/browser';
import { createRoom, getRoom, joinRoom, placeCaret } from './support/room';
import { useBrowserSuite } from './support/suite';

/**
 * What a person sees when the server cannot save: the database goes down while they type, the room
 * stops taking edits once its small backlog is full (4503), the page says so and keeps the edits,
 * and everything is saved once the database is back.
 */

const POLL = { timeout: 30_000, interval: 200 };

describe.skipIf(!chromiumAvailable())('storage outage in Chromium against the real server', () => {
  let pg: PrivatePostgres;
  const { base, newPage } = useBrowserSuite(async () => {
    pg = await startPrivatePostgres();
    return { env: { DATABASE_URL: pg.url, MAX_ROOM_BACKLOG_BYTES: '1024', FLUSH_WINDOW_MS: '50' }, stop: () => pg.destroy() };
  });

  const banner = (page: Page) => page.getByTestId('connection-banner');

  it('says it cannot save, keeps the edits, and saves them once the database is back', async () => {
    const room = await createRoom(base(), { language: 'plaintext' });
    const page = await newPage();
    await joinRoom(page, base(), room.id, 'Dana Diaz');
    await placeCaret(page, 'end');

    await pg.stop();
    // The first edit is accepted and kept in memory; it fills the room's 1 KiB backlog.
    await page.keyboard.insertText(`\nfirst:${'a'.repeat(1_500)}`);
    await page.waitForTimeout(300);
    await page.keyboard.insertText('\nsecond-after-the-backlog-filled');
    await expect.poll(async () => (await banner(page).isVisible()) && (await banner(page).textContent()), POLL).toMatch(/can.t save/i);

    await pg.start();
    await expect.poll(() => banner(page).isVisible(), POLL).toBe(false);
    await expect
      .poll(async () => (await getRoom(base(), room.id).catch(() => ({ code: '' }))).code, POLL)
      .toContain('second-after-the-backlog-filled');
    expect((await getRoom(base(), room.id)).code).toContain(`first:${'a'.repeat(1_500)}`);
  });
});
