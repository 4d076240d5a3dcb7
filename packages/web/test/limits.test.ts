import { describe, expect, it } from 'vitest';
import { chromiumAvailable } from './support/browser';
import { createRoom, editorText, getRoom, joinRoom, placeCaret, waitUntilConnected } from './support/room';
import { useBrowserSuite } from './support/suite';

/** What a person sees when the server's limits stop their connection: 4429 (retried) and 4413 (final). */

const POLL = { timeout: 20_000, interval: 100 };

describe.skipIf(!chromiumAvailable())('a connection paused for sending too much (4429)', () => {
  // Small enough that a burst of typing trips it; an ordinary pace refills it.
  const { base, newPage } = useBrowserSuite(async () => ({
    env: { WS_MESSAGES_PER_SECOND: '5', WS_MESSAGE_BURST: '20' },
    stop: async () => undefined,
  }));

  it('says so, reconnects by itself after a pause, and loses no edit', async () => {
    const room = await createRoom(base(), { language: 'plaintext' });
    const page = await newPage();
    await joinRoom(page, base(), room.id, 'Flo');
    await placeCaret(page, 'end');
    await page.keyboard.type(' abcdefghijklmnopqrstuvwxyz0123456789');

    const banner = page.getByTestId('connection-banner');
    await banner.waitFor();
    expect(await banner.getAttribute('data-phase')).toBe('rate-limited');
    expect(await banner.textContent()).toMatch(/Too many requests.*Retrying in \d+ s/);
    // Not the end of the room: it comes back by itself, and what was typed reaches the server.
    await waitUntilConnected(page);
    await banner.waitFor({ state: 'detached' });
    await expect.poll(async () => (await getRoom(base(), room.id)).code, POLL).toContain('abcdefghijklmnopqrstuvwxyz0123456789');
  }, 90_000);
});

describe.skipIf(!chromiumAvailable())('a room at its size limit (4413)', () => {
  const { base, newPage } = useBrowserSuite(async () => ({ env: { MAX_ROOM_TEXT_LENGTH: '1000' }, stop: async () => undefined }));

  it('a paste past the limit is refused whole: the room stays as it was, the tab stops for good, reopening shows the room as stored', async () => {
    // Python: the room starts with its starter snippet, so the paste lands in a room that has text.
    const room = await createRoom(base(), { language: 'python' });
    const before = (await getRoom(base(), room.id)).code;
    expect(before.length).toBeGreaterThan(0);
    const page = await newPage();
    let socketsOpened = 0;
    page.on('websocket', () => socketsOpened++);
    await joinRoom(page, base(), room.id, 'Finn');
    await placeCaret(page, 'end');
    // A real paste (Ctrl+V): Monaco makes it one edit. `keyboard.insertText` would not do: Monaco
    // takes it as one edit per character, so the first characters fit and were kept, one by one.
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.evaluate((text) => navigator.clipboard.writeText(text), ` ${'x'.repeat(1_200)}`);
    await page.keyboard.press('Control+V');

    const full = page.getByTestId('room-full');
    await full.waitFor();
    expect(await full.textContent()).toContain('This room is full');
    expect((await getRoom(base(), room.id)).code).toBe(before);
    // 4413 is final: the tab does not reconnect and push the refused paste again.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(socketsOpened).toBe(1);

    await full.getByRole('button', { name: 'Reopen the room' }).click();
    await waitUntilConnected(page);
    await expect.poll(() => editorText(page), POLL).toBe(before);
    expect(socketsOpened).toBe(2);
    expect(await full.count()).toBe(0);
  }, 60_000);
});
