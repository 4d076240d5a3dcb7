import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';

export const PASSWORD = 'correct horse battery';

/** Usernames are unique per server, and a suite shares one server: a random suffix keeps tests apart. */
export function uniqueUsername(prefix: string): string {
  return `${prefix}_${randomBytes(4).toString('hex')}`;
}

async function submitAuthDialog(page: Page, tab: 'sign-in' | 'sign-up', username: string, password: string): Promise<void> {
  await page.getByTestId('sign-in').click();
  const dialog = page.getByTestId('auth-dialog');
  await dialog.getByTestId(`auth-tab-${tab}`).click();
  await dialog.getByLabel('Username').fill(username);
  await dialog.getByLabel('Password').fill(password);
  await dialog.getByTestId('auth-submit').click();
}

/** Signs up through the header's dialog and waits until the header shows the account. */
export async function signUp(page: Page, username: string, password = PASSWORD): Promise<void> {
  await submitAuthDialog(page, 'sign-up', username, password);
  await page.getByTestId('account-menu').waitFor();
}

export async function signIn(page: Page, username: string, password = PASSWORD): Promise<void> {
  await submitAuthDialog(page, 'sign-in', username, password);
  await page.getByTestId('account-menu').waitFor();
}

/** Fills in the dialog and leaves it open, for tests of what the server refuses. */
export async function submitExpectingError(page: Page, tab: 'sign-in' | 'sign-up', username: string, password: string): Promise<string> {
  await submitAuthDialog(page, tab, username, password);
  const error = page.getByTestId('auth-error');
  await error.waitFor();
  return (await error.textContent()) ?? '';
}

export async function signOut(page: Page): Promise<void> {
  await page.getByTestId('account-menu').click();
  await page.getByTestId('sign-out').click();
  await page.getByTestId('sign-in').waitFor();
}

/** Creates a room through the home page's form and waits for the room page (the name prompt is the caller's). */
export async function createRoomInUi(page: Page, baseUrl: string, name: string, visibility?: string): Promise<string> {
  await page.goto(baseUrl);
  const form = page.getByTestId('create-room');
  await form.getByLabel('Room name').fill(name);
  if (visibility) await form.getByLabel('Who can open it').selectOption({ label: visibility });
  await form.getByRole('button', { name: 'Create room' }).click();
  await page.waitForURL(/\/r\/[A-Za-z0-9_-]+/);
  const id = new URL(page.url()).pathname.split('/').at(-1);
  if (!id) throw new Error(`no room id in ${page.url()}`);
  return id;
}

/** Answers a first-visit name prompt if one shows. */
export async function answerNamePrompt(page: Page, name: string): Promise<void> {
  const prompt = page.getByTestId('name-prompt');
  await prompt.getByLabel('Your name').fill(name);
  await prompt.getByRole('button', { name: 'Join room' }).click();
}
