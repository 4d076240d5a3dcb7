import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { answerNamePrompt, createRoomInUi, signUp, uniqueUsername } from './support/accounts';
import { chromiumAvailable } from './support/browser';
import { cursorLabels, editorText, getRoom, joinUrl, placeCaret, waitUntilConnected } from './support/room';
import { useBrowserSuite } from './support/suite';

const POLL = { timeout: 15_000, interval: 100 };

/** The owner key the app keeps for a room it created as a guest. */
async function ownerKeyIn(page: Page, roomId: string): Promise<string> {
  const keys = await page.evaluate(() => JSON.parse(localStorage.getItem('pairwise.ownerKeys') ?? '{}') as Record<string, string>);
  const key = keys[roomId];
  if (!key) throw new Error(`no owner key for ${roomId} in the page's storage`);
  return key;
}

async function openShare(page: Page) {
  await page.getByTestId('share-button').click();
  return page.getByTestId('share-dialog');
}

async function closeShare(page: Page): Promise<void> {
  await page.getByTestId('share-dialog').getByRole('button', { name: 'Close' }).click();
}

/** Picks a visibility and waits until the server's answer shows it checked. */
async function setVisibility(page: Page, label: string): Promise<void> {
  const radio = page.getByTestId('share-visibility').getByRole('radio', { name: label });
  await radio.click();
  await expect.poll(() => radio.isChecked(), POLL).toBe(true);
}

async function createLink(page: Page, role: 'Can view' | 'Can edit'): Promise<string> {
  const links = page.getByTestId('share-links');
  await links.getByLabel('Link role').selectOption({ label: role });
  await links.getByTestId('create-link').click();
  return page.getByTestId('created-link').getByLabel('New share link').inputValue();
}

describe.skipIf(!chromiumAvailable())('sharing in Chromium against the real server', () => {
  const { base, newPage } = useBrowserSuite();

  it("a view-only link: the viewer cannot type but sees the owner's edits and cursor; revoking it ends access", async () => {
    const owner = await newPage();
    const roomId = await createRoomInUi(owner, base(), 'Show and tell');
    await answerNamePrompt(owner, 'Olive');
    await waitUntilConnected(owner);
    const ownerKey = await ownerKeyIn(owner, roomId);

    await openShare(owner);
    await setVisibility(owner, 'Only people you add');
    const url = await createLink(owner, 'Can view');
    expect(url).toMatch(new RegExp(`/r/${roomId}\\?link=[A-Za-z0-9_-]+$`));
    await closeShare(owner);

    // Without the link, the private room does not exist as far as an outsider can tell.
    const outsider = await newPage();
    await outsider.goto(`${base()}/r/${roomId}`);
    await outsider.getByTestId('room-not-found').waitFor();

    const viewer = await newPage();
    await joinUrl(viewer, url, 'Vera');
    await viewer.getByTestId('viewer-banner').waitFor();
    expect(await viewer.getByTestId('viewer-banner').textContent()).toContain('You are viewing — only editors can change the code');
    expect(await viewer.getByTestId('room').getAttribute('data-role')).toBe('viewer');
    expect(await viewer.getByLabel('Language').isDisabled()).toBe(true);
    expect(await viewer.getByTestId('share-button').count()).toBe(0);
    expect(await viewer.getByTestId('suggestions-toggle').count()).toBe(0);

    const before = (await getRoom(base(), roomId, ownerKey)).code;
    await placeCaret(viewer, 'end');
    await viewer.keyboard.type('viewer_was_here');
    await viewer.waitForTimeout(1_000);
    expect(await editorText(viewer)).not.toContain('viewer_was_here');
    expect((await getRoom(base(), roomId, ownerKey)).code).toBe(before);

    await placeCaret(owner, 'end');
    await owner.keyboard.type(' owner_typed');
    await expect.poll(() => editorText(viewer), POLL).toContain('owner_typed');
    await expect.poll(() => cursorLabels(viewer), POLL).toContain('"Olive"');
    // The viewer's cursor shows for the owner too.
    await expect.poll(() => cursorLabels(owner), POLL).toContain('"Vera"');

    // Revoked: the open socket is closed and the viewer is told.
    await openShare(owner);
    await owner.getByTestId('share-link-row').getByRole('button', { name: 'Revoke' }).click();
    // Well within the app's own 15 s re-check: the server closes the socket (4403).
    await viewer.getByTestId('room-no-access').waitFor({ timeout: 5_000 });
    expect(await viewer.getByTestId('room-no-access').textContent()).toContain('You no longer have access');
  }, 120_000);

  it('an edit link lets a guest type in a view-only room', async () => {
    const owner = await newPage();
    const roomId = await createRoomInUi(owner, base(), 'Pairing');
    await answerNamePrompt(owner, 'Omar');
    await waitUntilConnected(owner);
    await openShare(owner);
    await setVisibility(owner, 'Anyone with the link can view');
    const url = await createLink(owner, 'Can edit');
    await closeShare(owner);

    const editor = await newPage();
    await joinUrl(editor, url, 'Eda');
    expect(await editor.getByTestId('room').getAttribute('data-role')).toBe('editor');
    expect(await editor.getByTestId('viewer-banner').count()).toBe(0);
    await placeCaret(editor, 'end');
    await editor.keyboard.type(' editor_typed');
    await expect.poll(() => editorText(owner), POLL).toContain('editor_typed');

    // The plain room link only lets people watch.
    const watcher = await newPage();
    await joinUrl(watcher, `${base()}/r/${roomId}`, 'Wes');
    await watcher.getByTestId('viewer-banner').waitFor();
  }, 90_000);

  it('members: a viewer finds the room under My rooms, can type once promoted, and loses it when removed', async () => {
    const member = await newPage();
    const username = uniqueUsername('mia');
    await member.goto(base());
    await signUp(member, username);

    const owner = await newPage();
    await createRoomInUi(owner, base(), 'Team room');
    await answerNamePrompt(owner, 'Oona');
    await waitUntilConnected(owner);
    const share = await openShare(owner);
    await setVisibility(owner, 'Only people you add');
    const members = share.getByTestId('share-members');
    await members.getByLabel('Username to add').fill(username);
    await members.getByLabel('Role for the new member').selectOption('viewer');
    await members.getByRole('button', { name: 'Add' }).click();
    const row = members.locator(`[data-testid="member-row"][data-username="${username}"]`);
    await row.waitFor();

    await member.reload();
    const listed = member.getByTestId('my-room');
    await expect.poll(() => listed.count(), POLL).toBe(1);
    expect(await listed.textContent()).toContain('Viewer');
    await listed.click();
    await waitUntilConnected(member);
    await member.getByTestId('viewer-banner').waitFor();

    // Promoted while the room is open: trying to type asks the server again, and then typing works.
    await row.getByLabel(`Role of ${username}`).selectOption('editor');
    await expect.poll(() => row.getByLabel(`Role of ${username}`).inputValue(), POLL).toBe('editor');
    await placeCaret(member, 'end');
    await member.keyboard.type('x');
    await member.getByTestId('viewer-banner').waitFor({ state: 'detached' });
    await waitUntilConnected(member);
    await placeCaret(member, 'end');
    await member.keyboard.type(' member_typed');
    await expect.poll(() => editorText(owner), POLL).toContain('member_typed');

    // Removed from a private room: the open socket is closed and the member is told.
    await row.getByRole('button', { name: `Remove ${username}` }).click();
    await member.getByTestId('room-no-access').waitFor({ timeout: 5_000 });
  }, 120_000);

  it('a member demoted while the room is open turns read-only within seconds, keeping what the server took and nothing after', async () => {
    const member = await newPage();
    const username = uniqueUsername('dee');
    await member.goto(base());
    await signUp(member, username);

    const owner = await newPage();
    const roomId = await createRoomInUi(owner, base(), 'Demotion');
    await answerNamePrompt(owner, 'Otto');
    await waitUntilConnected(owner);
    const ownerKey = await ownerKeyIn(owner, roomId);
    const share = await openShare(owner);
    await setVisibility(owner, 'Only people you add');
    const members = share.getByTestId('share-members');
    await members.getByLabel('Username to add').fill(username);
    await members.getByLabel('Role for the new member').selectOption('editor');
    await members.getByRole('button', { name: 'Add' }).click();
    const role = members.locator(`[data-testid="member-row"][data-username="${username}"]`).getByLabel(`Role of ${username}`);
    await role.waitFor();

    await member.goto(`${base()}/r/${roomId}`);
    await waitUntilConnected(member);
    expect(await member.getByTestId('room').getAttribute('data-role')).toBe('editor');
    await placeCaret(member, 'end');
    await member.keyboard.type(' kept_before');
    await expect.poll(async () => (await getRoom(base(), roomId, ownerKey)).code, POLL).toContain('kept_before');

    await role.selectOption('viewer');
    // The select shows the list as re-read from the server: the demotion is in effect.
    await expect.poll(() => role.inputValue(), POLL).toBe('viewer');
    const demoted = Date.now();
    // Timed from the demotion while the typing below goes on, so a slow machine's typing is not counted.
    const bannerShown = member
      .getByTestId('viewer-banner')
      .waitFor({ timeout: 5_000 })
      .then(() => Date.now());
    // Typed after the server took the role away: the open socket is closed (4100), never applied.
    await placeCaret(member, 'end');
    await member.keyboard.type(' lost_after');

    // Well within the app's own 15 s re-check: the server closes the demoted socket at once.
    expect((await bannerShown) - demoted).toBeLessThan(5_000);
    expect(await member.getByTestId('room').getAttribute('data-role')).toBe('viewer');
    expect(await member.getByTestId('role-notice').textContent()).toContain('Your role changed to viewer');
    await waitUntilConnected(member);
    // Reopened from the server's copy: what it took is there, what came after is gone.
    await expect.poll(() => editorText(member), POLL).toContain('kept_before');
    expect(await editorText(member)).not.toContain('lost_after');
    await placeCaret(member, 'end');
    await member.keyboard.type(' viewer_typed');
    await member.waitForTimeout(500);
    expect(await editorText(member)).not.toContain('viewer_typed');
    const stored = (await getRoom(base(), roomId, ownerKey)).code;
    expect(stored).toContain('kept_before');
    expect(stored).not.toContain('lost_after');
    expect(await editorText(owner)).not.toContain('lost_after');
  }, 120_000);
});
