import { describe, expect, it } from 'vitest';
import { chromiumAvailable } from './support/browser';
import { useBrowserSuite } from './support/suite';
import {
  createRoom,
  cursorLabels,
  deleteRoom,
  editorText,
  getRoom,
  joinRoom,
  placeCaret,
  presenceNames,
  waitUntilConnected,
} from './support/room';

const POLL = { timeout: 15_000, interval: 100 };

describe.skipIf(!chromiumAvailable())('web app in Chromium against the real server', () => {
  const { base, newPage } = useBrowserSuite();

  it("two users see each other's text, cursors, presence and language changes", async () => {
    const room = await createRoom(base(), { name: 'Pairing', language: 'python' });
    const a = await newPage();
    const b = await newPage();
    await joinRoom(a, base(), room.id, 'Alice Anders');
    await joinRoom(b, base(), room.id, 'Bruno Beck');

    await placeCaret(a, 'end');
    await a.keyboard.type(' alpha_from_a');
    await expect.poll(() => editorText(b), POLL).toContain('alpha_from_a');

    await placeCaret(b, 'start');
    await b.keyboard.type('beta_from_b ');
    await expect.poll(() => editorText(a), POLL).toContain('beta_from_b');

    // Cursor labels carry the other person's name; presence lists both.
    await expect.poll(() => cursorLabels(a), POLL).toContain('"Bruno Beck"');
    await expect.poll(() => cursorLabels(b), POLL).toContain('"Alice Anders"');
    await expect.poll(() => presenceNames(a), POLL).toEqual(['Alice Anders', 'Bruno Beck']);
    await expect.poll(() => presenceNames(b), POLL).toEqual(['Bruno Beck', 'Alice Anders']);

    await a.getByLabel('Language').selectOption('rust');
    await expect.poll(() => b.getByLabel('Language').inputValue(), POLL).toBe('rust');
    await expect.poll(() => b.getByTestId('editor').getAttribute('data-language'), POLL).toBe('rust');
    expect(await a.getByTestId('editor').getAttribute('data-language')).toBe('rust');

    await expect.poll(async () => (await getRoom(base(), room.id)).code, POLL).toBe(await editorText(a));
  }, 90_000);

  it('undo removes only your own typing', async () => {
    const room = await createRoom(base(), { name: 'Undo', language: 'javascript' });
    const original = (await getRoom(base(), room.id)).code;
    const a = await newPage();
    const b = await newPage();
    await joinRoom(a, base(), room.id, 'Alice');
    await joinRoom(b, base(), room.id, 'Bruno');

    await placeCaret(a, 'end');
    // One input event, so one undo step however slow the machine: typed key by key, a pause past the undo
    // manager's 500 ms grouping on a loaded CI machine split it, and one Ctrl+Z left 'AAA_un' behind.
    await a.keyboard.insertText(' AAA_undo_me');
    await expect.poll(() => editorText(b), POLL).toContain('AAA_undo_me');
    await placeCaret(b, 'start');
    await b.keyboard.type('BBB_keep_me ');
    await expect.poll(() => editorText(a), POLL).toContain('BBB_keep_me');

    await a.locator('.monaco-editor .view-lines').click();
    await a.keyboard.press('Control+z');
    const expected = `BBB_keep_me ${original}`;
    await expect.poll(async () => (await getRoom(base(), room.id)).code, POLL).toBe(expected);
    await expect.poll(() => editorText(a), POLL).not.toContain('AAA_undo_me');
    expect(await editorText(a)).toContain('BBB_keep_me');
    await expect.poll(() => editorText(b), POLL).not.toContain('AAA_undo_me');

    // Redo brings back only A's edit as well.
    await a.keyboard.press('Control+Shift+z');
    await expect.poll(() => editorText(b), POLL).toContain('AAA_undo_me');
    await expect.poll(async () => (await getRoom(base(), room.id)).code, POLL).toBe(`${expected} AAA_undo_me`);
  }, 90_000);

  it('shows a not-found page for a room that does not exist', async () => {
    const page = await newPage();
    await page.goto(`${base()}/r/no_such_room_123`);
    const notFound = page.getByTestId('room-not-found');
    await notFound.waitFor();
    expect(await notFound.textContent()).toContain('Room not found');
    expect(await notFound.textContent()).toContain('no_such_room_123');
    await notFound.getByRole('link', { name: 'Go to the home page' }).click();
    await page.getByTestId('create-room').waitFor();
  }, 60_000);

  it('says the room was deleted (not a generic not-found) when it is deleted while open, and stops reconnecting', async () => {
    const room = await createRoom(base(), { name: 'Doomed', language: 'python' });
    const page = await newPage();
    await joinRoom(page, base(), room.id, 'Dana');
    const socketsAfterDelete: string[] = [];
    page.on('websocket', (ws) => socketsAfterDelete.push(ws.url()));

    expect(await deleteRoom(base(), room)).toBe(204);
    const deleted = page.getByTestId('room-deleted');
    await deleted.waitFor();
    expect(await deleted.textContent()).toContain('This room was deleted');
    expect(await deleted.textContent()).toContain(room.id);
    // y-websocket retries 100 ms after a drop and backs off to at most 2.5 s: 3 s would catch a retry.
    await page.waitForTimeout(3_000);
    expect(socketsAfterDelete).toEqual([]);
    await deleted.getByRole('link', { name: 'Go to the home page' }).click();
    await page.getByTestId('create-room').waitFor();
  }, 60_000);

  it('keeps the content after a reload', async () => {
    const room = await createRoom(base(), { name: 'Reload', language: 'go' });
    const page = await newPage();
    await joinRoom(page, base(), room.id, 'Rita');
    await placeCaret(page, 'end');
    await page.keyboard.type(' persisted_42');
    await expect.poll(async () => (await getRoom(base(), room.id)).code, POLL).toContain('persisted_42');
    await expect.poll(() => page.getAttribute('[data-testid="connection-badge"]', 'data-unsaved-edits'), POLL).toBe('0');

    await page.reload();
    // The name is remembered: no prompt this time.
    await waitUntilConnected(page);
    await expect.poll(() => editorText(page), POLL).toContain('persisted_42');
    expect(await page.getByTestId('name-prompt').count()).toBe(0);
  }, 60_000);
});
