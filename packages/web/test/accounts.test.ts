import { describe, expect, it } from 'vitest';
import {
  PASSWORD,
  answerNamePrompt,
  createRoomInUi,
  signIn,
  signOut,
  signUp,
  submitExpectingError,
  uniqueUsername,
} from './support/accounts';
import { chromiumAvailable } from './support/browser';
import { joinRoom, presenceNames, waitUntilConnected } from './support/room';
import { useBrowserSuite } from './support/suite';

const POLL = { timeout: 15_000, interval: 100 };

describe.skipIf(!chromiumAvailable())('accounts in Chromium against the real server', () => {
  const { base, newPage } = useBrowserSuite();

  it('signs up, finds the new room under My rooms, and signs out and back in', async () => {
    const page = await newPage();
    const username = uniqueUsername('ada');
    await page.goto(base());
    await signUp(page, username);
    expect(await page.getByTestId('account-menu').textContent()).toContain(username);
    await page
      .getByTestId('my-rooms')
      .getByText(/Rooms you create while signed in/)
      .waitFor();

    const roomId = await createRoomInUi(page, base(), 'Signed room', 'Only people you add');
    // Signed in: no name prompt, and the presence name is the username.
    await waitUntilConnected(page);
    expect(await page.getByTestId('name-prompt').count()).toBe(0);
    await expect.poll(() => presenceNames(page), POLL).toEqual([username]);
    expect(await page.getByTestId('share-button').count()).toBe(1);

    await page.goto(base());
    const mine = page.getByTestId('my-room');
    await expect.poll(() => mine.count(), POLL).toBe(1);
    expect(await mine.getAttribute('data-room-id')).toBe(roomId);
    expect(await mine.textContent()).toContain('Signed room');
    expect(await mine.textContent()).toContain('Owner');
    expect(await mine.textContent()).toContain('Private');

    await signOut(page);
    expect(await page.getByTestId('my-rooms').count()).toBe(0);
    await signIn(page, username);
    await expect.poll(() => mine.count(), POLL).toBe(1);

    // The session lives in an httpOnly cookie: nothing the page can read holds the token.
    const readable = await page.evaluate(() => `${document.cookie} ${JSON.stringify({ ...localStorage })}`);
    expect(readable).not.toMatch(/pairwise_session|eyJ/);
  }, 90_000);

  it('shows what the server says when it refuses', async () => {
    const page = await newPage();
    const username = uniqueUsername('bo');
    await page.goto(base());
    await signUp(page, username);
    await signOut(page);

    expect(await submitExpectingError(page, 'sign-up', username, PASSWORD)).toMatch(/taken|exists/i);
    await page.getByTestId('auth-dialog').getByRole('button', { name: 'Cancel' }).click();
    expect(await submitExpectingError(page, 'sign-in', username, 'not the password')).toMatch(/username or password/i);
    // Checked before sending, with the server's own rule.
    await page.getByTestId('auth-dialog').getByRole('button', { name: 'Cancel' }).click();
    expect(await submitExpectingError(page, 'sign-up', uniqueUsername('cy'), 'short')).toBe('Use at least 8 characters.');
  }, 60_000);

  it('closes the sign-in dialog, the share dialog and a name change with Escape; a first-visit name prompt stays', async () => {
    const page = await newPage();
    await page.goto(base());
    await page.getByTestId('sign-in').click();
    await page.getByTestId('auth-dialog').waitFor();
    await page.keyboard.press('Escape');
    await page.getByTestId('auth-dialog').waitFor({ state: 'detached' });

    await createRoomInUi(page, base(), 'Escapes');
    await page.getByTestId('name-prompt').waitFor();
    await page.keyboard.press('Escape');
    expect(await page.getByTestId('name-prompt').count()).toBe(1);
    await answerNamePrompt(page, 'Esme');
    await waitUntilConnected(page);

    await page.getByTestId('share-button').click();
    await page.getByTestId('share-dialog').waitFor();
    await page.keyboard.press('Escape');
    await page.getByTestId('share-dialog').waitFor({ state: 'detached' });

    await page.getByRole('button', { name: 'Change your name' }).click();
    await page.getByTestId('name-prompt').waitFor();
    await page.keyboard.press('Escape');
    await page.getByTestId('name-prompt').waitFor({ state: 'detached' });
  }, 60_000);

  it('shows others a signed-in user by their username, whatever name the browser keeps', async () => {
    const member = await newPage();
    const username = uniqueUsername('dee');
    await member.goto(base());
    await signUp(member, username);
    const roomId = await createRoomInUi(member, base(), 'Names');
    await waitUntilConnected(member);

    const guest = await newPage();
    await joinRoom(guest, base(), roomId, 'Gus');
    await expect.poll(() => presenceNames(guest), POLL).toEqual(['Gus', username]);
    await expect.poll(() => presenceNames(member), POLL).toEqual([username, 'Gus']);
  }, 60_000);

  it('keeps a guest creator the owner after a reload; others get no owner controls', async () => {
    const owner = await newPage();
    await owner.goto(base());
    // Guests get the one-click form they always had.
    expect(await owner.getByTestId('create-room').getByLabel('Who can open it').count()).toBe(0);
    const roomId = await createRoomInUi(owner, base(), 'Guest owned');
    await answerNamePrompt(owner, 'Olga');
    await waitUntilConnected(owner);
    await owner.getByTestId('share-button').waitFor();

    await owner.reload();
    await waitUntilConnected(owner);
    expect(await owner.getByTestId('share-button').count()).toBe(1);
    await owner.getByTestId('suggestions-toggle').click();
    expect(await owner.getByTestId('room-suggestions-switch').count()).toBe(1);
    await owner.keyboard.press('Escape');

    const other = await newPage();
    await joinRoom(other, base(), roomId, 'Otto');
    expect(await other.getByTestId('room').getAttribute('data-role')).toBe('editor');
    expect(await other.getByTestId('share-button').count()).toBe(0);
    await other.getByTestId('suggestions-toggle').click();
    await other.getByText(/The room owner can switch suggestions off/).waitFor();
    expect(await other.getByTestId('room-suggestions-switch').count()).toBe(0);
    await other.keyboard.press('Escape');

    // The owner's switch goes through the server, and everyone sees the room's new state.
    await owner.getByTestId('suggestions-toggle').click();
    await owner.getByRole('switch', { name: /Suggestions for this room/ }).uncheck();
    await other.getByTestId('suggestions-off-hint').waitFor();
    await owner.getByTestId('suggestions-off-hint').waitFor();
  }, 90_000);

  it('a sign-out in another tab ends the room with "You were signed out"; signing out here just carries on as a guest', async () => {
    const page = await newPage();
    const username = uniqueUsername('eve');
    await page.goto(base());
    await signUp(page, username);
    const roomId = await createRoomInUi(page, base(), 'Two tabs');
    await waitUntilConnected(page);

    // Same browser, second tab: same session cookie.
    const other = await page.context().newPage();
    await other.goto(base());
    await signOut(other);
    // Back to the room's tab, as its user would: a background tab gets few animation frames, and every
    // click there waited seconds for its button to look stable (past 90 s in all on a loaded CI machine).
    await page.bringToFront();
    await page.getByTestId('room-signed-out').waitFor({ timeout: 5_000 });
    await page.getByRole('button', { name: 'Continue as a guest' }).click();
    await answerNamePrompt(page, 'Eve as guest');
    await waitUntilConnected(page);
    await expect.poll(() => presenceNames(page), POLL).toEqual(['Eve as guest']);

    // Signed in again and signing out from this very tab: no "signed out" screen, the room stays open as a guest.
    await signIn(page, username);
    await waitUntilConnected(page);
    await expect.poll(() => presenceNames(page), POLL).toEqual([username]);
    await signOut(page);
    await waitUntilConnected(page);
    expect(await page.getByTestId('room-signed-out').count()).toBe(0);
    expect(await page.getByTestId('room').getAttribute('data-room-id')).toBe(roomId);
    await expect.poll(() => presenceNames(page), POLL).toEqual(['Eve as guest']);
  }, 90_000);
});
