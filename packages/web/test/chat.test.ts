import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { CHAT_TEXT_MAX, type CreatedRoom } from '@pairwise/protocol';
import { chromiumAvailable } from './support/browser';
import { createRoom, joinRoom } from './support/room';
import { useBrowserSuite } from './support/suite';

const POLL = { timeout: 15_000, interval: 100 };

/** Texts of the messages the page shows, oldest first. */
const shownTexts = (page: Page): Promise<string[]> => page.getByTestId('chat-text').allTextContents();
const shownAuthors = (page: Page): Promise<string[]> => page.getByTestId('chat-author').allTextContents();

async function say(page: Page, text: string): Promise<void> {
  const input = page.getByTestId('chat-input');
  await input.fill(text);
  await input.press('Enter');
}

async function postAsSomeoneElse(base: string, roomId: string, text: string): Promise<void> {
  const res = await fetch(`${base}/api/rooms/${roomId}/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text }),
  });
  if (res.status !== 201) throw new Error(`POST chat answered ${res.status}: ${await res.text()}`);
}

describe.skipIf(!chromiumAvailable())('chat beside the code, in Chromium against the real server', () => {
  const { base, newPage } = useBrowserSuite();

  it('a message one person sends shows at once for the other, with name, time and highlighted code', async () => {
    const room = await createRoom(base(), { name: 'Chat', language: 'typescript' });
    const a = await newPage();
    const b = await newPage();
    await joinRoom(a, base(), room.id, 'Alice Anders');
    await joinRoom(b, base(), room.id, 'Bruno Beck');

    const input = a.getByTestId('chat-input');
    await input.fill('Use `const x = 1;` here <b>not bold</b>');
    // Shift+Enter is a new line, not a send.
    await input.press('Shift+Enter');
    await input.pressSequentially('second line');
    await input.press('Enter');
    await expect.poll(() => input.inputValue(), POLL).toBe('');

    const expected = 'Use const x = 1; here <b>not bold</b>\nsecond line';
    await expect.poll(() => shownTexts(b), POLL).toEqual([expected]);
    expect(await shownAuthors(b)).toEqual(['Alice Anders']);
    expect(await shownTexts(a)).toEqual([expected]);
    // User text is text: the tags show as typed and make no element.
    expect(await b.getByTestId('chat-text').locator('b').count()).toBe(0);
    expect(await b.getByTestId('chat-message').locator('time').getAttribute('datetime')).toMatch(/^\d{4}-\d\d-\d\dT/);
    // Alice's colour is the one her presence has.
    const aliceColor = await a
      .getByTestId('presence-item')
      .first()
      .evaluate((el) => getComputedStyle(el).getPropertyValue('--user-color'));
    expect(await b.getByTestId('chat-message').evaluate((el) => el.style.getPropertyValue('--user-color'))).toBe(aliceColor.trim());

    // The code is coloured by Monaco's tokenizer: `const` gets a token class of its own.
    const code = b.getByTestId('chat-code');
    await expect.poll(() => code.getAttribute('data-highlighted'), POLL).toBe('true');
    expect(await code.textContent()).toBe('const x = 1;');
    expect(await code.locator('span[class^="mtk"]').count()).toBeGreaterThan(1);

    await say(b, '```py\nfor i in range(3):\n    print(i)\n```');
    const block = a.locator('.chat-code--block');
    await expect.poll(() => block.getAttribute('data-highlighted'), POLL).toBe('true');
    // biome-ignore lint/performance/useDomNodeTextContent: the lines are <br/>-separated; only the rendered text has the newlines.
    expect(await block.innerText()).toBe('for i in range(3):\n    print(i)');
  }, 90_000);

  it('counts unread messages while the chat is collapsed; opening it shows them and clears the count', async () => {
    const room = await createRoom(base(), { name: 'Unread' });
    const a = await newPage();
    const b = await newPage();
    await joinRoom(a, base(), room.id, 'Alice');
    await joinRoom(b, base(), room.id, 'Bruno');

    const toggle = b.getByRole('button', { name: /^Chat/ });
    await toggle.click();
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    expect(await b.getByTestId('chat-unread').count()).toBe(0);

    await say(a, 'first');
    await say(a, 'second');
    await expect.poll(() => b.getByTestId('chat-unread').textContent(), POLL).toBe('2');
    expect(await toggle.getAttribute('aria-label')).toBe('Chat, 2 unread');

    await toggle.click();
    await expect.poll(() => shownTexts(b), POLL).toEqual(['first', 'second']);
    expect(await b.getByTestId('chat-unread').count()).toBe(0);
  }, 90_000);

  it('a viewer chats too', async () => {
    const res = await fetch(`${base()}/api/rooms`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Watched', visibility: 'public-view' }),
    });
    const room = (await res.json()) as CreatedRoom;
    const viewer = await newPage();
    await joinRoom(viewer, base(), room.id, 'Vera Viewer');
    expect(await viewer.getByTestId('room').getAttribute('data-role')).toBe('viewer');
    await say(viewer, 'why a Map here?');
    await expect.poll(() => shownAuthors(viewer), POLL).toEqual(['Vera Viewer']);
  }, 90_000);

  it('loads older messages on scrolling up', async () => {
    const room = await createRoom(base(), { name: 'Busy' });
    for (let i = 1; i <= 60; i++) await postAsSomeoneElse(base(), room.id, `message ${i}`);
    const page = await newPage();
    await joinRoom(page, base(), room.id, 'Late Comer');
    await expect.poll(async () => (await shownTexts(page)).length, POLL).toBe(50);
    expect((await shownTexts(page))[0]).toBe('message 11');

    await page.getByTestId('chat-log').evaluate((log) => log.scrollTo({ top: 0 }));
    await expect.poll(async () => (await shownTexts(page)).length, POLL).toBe(60);
    expect((await shownTexts(page))[0]).toBe('message 1');
    expect(await page.getByRole('button', { name: 'Load older messages' }).count()).toBe(0);
  }, 90_000);
});

describe.skipIf(!chromiumAvailable())('chat refusals, in Chromium against a server allowing 2 messages at once', () => {
  // Two messages per person and room, one more every 5 s: the third in a row is refused whatever the machine's speed.
  const { base, newPage } = useBrowserSuite(async () => ({ env: { CHAT_MESSAGE_BURST: '2' }, stop: async () => {} }));

  it('says why a message was not sent: too long, or too many too fast; the draft comes back', async () => {
    const room = await createRoom(base(), { name: 'Limits' });
    const page = await newPage();
    await joinRoom(page, base(), room.id, 'Speedy');

    await say(page, 'x'.repeat(CHAT_TEXT_MAX + 1));
    await expect.poll(() => page.getByTestId('chat-error').textContent(), POLL).toContain(`at most ${CHAT_TEXT_MAX} characters`);
    // Back in the input, to shorten.
    expect((await page.getByTestId('chat-input').inputValue()).length).toBe(CHAT_TEXT_MAX + 1);

    await say(page, 'one');
    await say(page, 'two');
    await say(page, 'three');
    await expect.poll(() => page.getByTestId('chat-error').textContent(), POLL).toMatch(/too many chat messages.*retry in \d+ s/);
    expect(await page.getByTestId('chat-input').inputValue()).toBe('three');
    expect(await shownTexts(page)).toEqual(['one', 'two']);
  }, 90_000);
});
