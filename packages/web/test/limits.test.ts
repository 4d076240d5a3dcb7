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

  it('says the room is full; reopening shows the room as stored, without what was refused', async () => {
    const room = await createRoom(base(), { language: 'plaintext' });
    const page = await newPage();
    await joinRoom(page, base(), room.id, 'Finn');
    await placeCaret(page, 'end');
    await page.keyboard.insertText(` ${'x'.repeat(1_200)}`);

    const full = page.getByTestId('room-full');
    await full.waitFor();
    expect(await full.textContent()).toContain('This room is full');
    // The editor may hand the paste over in parts: those that fit were kept, the rest refused.
    const stored = (await getRoom(base(), room.id)).code;
    expect(stored.length).toBeLessThanOrEqual(1_000);

    await full.getByRole('button', { name: 'Reopen the room' }).click();
    await waitUntilConnected(page);
    await expect.poll(() => editorText(page), POLL).toBe(stored);
  }, 60_000);
});
