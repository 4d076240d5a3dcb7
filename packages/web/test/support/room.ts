import { expect } from 'vitest';
import type { Browser, BrowserContext, Page, WebSocketRoute } from 'playwright-core';
import { CREDENTIALS } from '@pairwise/protocol';
import type { CreatedRoom, RoomDetails } from '@pairwise/protocol';

/** Creates a room as a guest API client: the answer carries the owner key that manages it. */
export async function createRoom(baseUrl: string, body: { name?: string; language?: string } = {}): Promise<CreatedRoom> {
  const res = await fetch(`${baseUrl}/api/rooms`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status !== 201) throw new Error(`POST /api/rooms answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as CreatedRoom;
}

/** The owner key as a header, for the calls only an owner may make (and to read private rooms). */
export function ownerHeaders(ownerKey: string | undefined): Record<string, string> {
  return ownerKey ? { [CREDENTIALS.ownerKeyHeader]: ownerKey } : {};
}

export async function getRoom(baseUrl: string, id: string, ownerKey?: string): Promise<RoomDetails> {
  const res = await fetch(`${baseUrl}/api/rooms/${encodeURIComponent(id)}`, { headers: ownerHeaders(ownerKey) });
  if (!res.ok) throw new Error(`GET /api/rooms/${id} answered ${res.status}`);
  return (await res.json()) as RoomDetails;
}

export async function deleteRoom(baseUrl: string, room: CreatedRoom): Promise<number> {
  const res = await fetch(`${baseUrl}/api/rooms/${encodeURIComponent(room.id)}`, {
    method: 'DELETE',
    headers: ownerHeaders(room.ownerKey),
  });
  return res.status;
}

/** Hands a page the owner key of a room created through the API, as the app keeps it after creating one itself. */
export async function giveOwnerKey(page: Page, baseUrl: string, room: CreatedRoom): Promise<void> {
  if (!room.ownerKey) throw new Error(`room ${room.id} came without an owner key`);
  await page.goto(baseUrl);
  await page.evaluate(({ id, key }) => localStorage.setItem('pairwise.ownerKeys', JSON.stringify({ [id]: key })), {
    id: room.id,
    key: room.ownerKey,
  });
}

/** Each user gets their own context: separate localStorage, and no BroadcastChannel shortcut between them. */
export async function newUserPage(browser: Browser, contexts: BrowserContext[]): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  return page;
}

/** Opens a room as a first-time guest: answers the name prompt and waits until the doc has synced. */
export async function joinRoom(page: Page, baseUrl: string, roomId: string, name: string): Promise<void> {
  await joinUrl(page, `${baseUrl}/r/${roomId}`, name);
}

/** Like `joinRoom`, for any room URL (e.g. a share link). */
export async function joinUrl(page: Page, url: string, name: string): Promise<void> {
  await page.goto(url);
  const prompt = page.getByTestId('name-prompt');
  await prompt.getByLabel('Your name').fill(name);
  await prompt.getByRole('button', { name: 'Join room' }).click();
  await waitUntilConnected(page);
}

/**
 * Monaco is the app's largest chunk (3.6 MB): its first load and compile in a fresh context took past the
 * pages' 20 s default on a loaded CI machine (stop 19), while the room had long been connected.
 */
const EDITOR_LOAD_MS = 60_000;

export async function waitUntilConnected(page: Page): Promise<void> {
  await page.locator('[data-testid="connection-badge"][data-phase="connected"]').waitFor();
  try {
    await page.locator('.monaco-editor .view-lines').waitFor({ timeout: EDITOR_LOAD_MS });
  } catch (error) {
    // Say what shows instead (still loading, or the editor's error boundary), not only that it timed out.
    const shown = await page
      .locator('main')
      .first()
      .textContent({ timeout: 1_000 })
      .catch(() => '(no main element)');
    throw new Error(`the editor did not show in ${EDITOR_LOAD_MS} ms; the room's main area shows: ${(shown ?? '').slice(0, 300)}`, {
      cause: error,
    });
  }
}

/**
 * The editor text as rendered, line by line (of the editor inside `within`, a CSS selector, when
 * given). Monaco positions line elements absolutely and renders spaces as U+00A0, so innerText of
 * the container is not the document. Only rendered (visible) lines are included: fine for the short
 * documents these tests use.
 */
export async function editorText(page: Page, within = ''): Promise<string> {
  const lines = await page.evaluate(
    (selector) =>
      Array.from(document.querySelectorAll<HTMLElement>(`${selector} .monaco-editor .view-lines > .view-line`))
        .map((el) => ({ top: Number.parseFloat(el.style.top) || 0, text: el.textContent ?? '' }))
        .sort((x, y) => x.top - y.top)
        .map((line) => line.text),
    within,
  );
  return lines.join('\n').replace(/\u00a0/g, ' ');
}

/** Replaces the room's code with `code` as one paste (typing would meet Monaco's auto-closing brackets). */
export async function setCode(page: Page, code: string): Promise<void> {
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.locator('.monaco-editor .view-lines').click();
  await page.keyboard.press('Control+A');
  await page.evaluate((text) => navigator.clipboard.writeText(text), code);
  await page.keyboard.press('Control+V');
  const firstLine = code.split('\n')[0] ?? '';
  await expect.poll(() => editorText(page), { timeout: 15_000, interval: 100 }).toContain(firstLine);
}

/** Clicks into the editor and puts the caret at the very end (or start) of the document. */
export async function placeCaret(page: Page, where: 'start' | 'end'): Promise<void> {
  await page.locator('.monaco-editor .view-lines').click();
  await page.keyboard.press(where === 'end' ? 'Control+End' : 'Control+Home');
}

/** The names shown on remote cursor labels (CSS `content` of the head's ::after). */
export async function cursorLabels(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll('.monaco-editor .yRemoteSelectionHead')).map((el) => getComputedStyle(el, '::after').content),
  );
}

export async function presenceNames(page: Page): Promise<string[]> {
  return page.getByTestId('presence-item').locator('.presence__name').allInnerTexts();
}

/** Monaco renders inline completions (ghost text) in these elements; never part of the document. */
export const GHOST_TEXT = '.monaco-editor .ghost-text-decoration, .monaco-editor .ghost-text';

export async function ghostText(page: Page): Promise<string> {
  return (await page.locator(GHOST_TEXT).allTextContents()).join('').replace(/\u00a0/g, ' ');
}

/** Resolves after the page has painted twice: Monaco renders model changes on animation frames. */
export async function nextFrames(page: Page): Promise<void> {
  await page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));
}

/** Counts the page's requests to a path from now on. */
/** How many ghost-text or list answers the page's own completion engine has given (User Timing marks). */
export function localCompletions(page: Page): Promise<number> {
  return page.evaluate((name) => performance.getEntriesByName(name).length, 'pairwise:local-completion');
}

export function countRequests(page: Page, path: string): () => number {
  let count = 0;
  page.on('request', (request) => {
    if (new URL(request.url()).pathname === path) count++;
  });
  return () => count;
}

/**
 * Lets a test cut a page's room sockets as a network drop would, and keep them down until restored:
 * routed before the page opens the room. (Offline emulation only flips `navigator.onLine`; an open
 * WebSocket keeps going through it.)
 */
export async function cuttableSockets(page: Page): Promise<{ cut: () => Promise<void>; restore: () => void }> {
  const dropped = { code: 1011, reason: 'network down (test)' };
  let down = false;
  /** Each open socket: the page's end and the server's. */
  const open = new Map<WebSocketRoute, WebSocketRoute>();
  await page.routeWebSocket(/\/ws\//, (socket) => {
    if (down) {
      void socket.close(dropped);
      return;
    }
    const server = socket.connectToServer();
    open.set(socket, server);
    // With this handler set, closing is forwarded by hand: the page closed its end.
    socket.onClose(() => {
      open.delete(socket);
      void server.close();
    });
  });
  return {
    cut: async () => {
      down = true;
      const sockets = [...open];
      open.clear();
      await Promise.all(sockets.flatMap(([pageEnd, serverEnd]) => [pageEnd.close(dropped), serverEnd.close()]));
    },
    restore: () => {
      down = false;
    },
  };
}
