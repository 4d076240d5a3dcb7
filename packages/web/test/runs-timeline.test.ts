import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { chromiumAvailable } from './support/browser';
import { createRoom, cuttableSockets, editorText, joinRoom, setCode, waitUntilConnected } from './support/room';
import { useBrowserSuite } from './support/suite';

const POLL = { timeout: 15_000, interval: 100 };

const runItem = (page: Page, runId: string) => page.locator(`[data-testid="run-item"][data-run-id="${runId}"]`);
const latestRun = (page: Page) => page.getByTestId('run-item').last();
const statusOf = (page: Page, runId: string) => runItem(page, runId).getByTestId('run-status').textContent();
const outputOf = (page: Page, runId: string) => runItem(page, runId).getByTestId('run-output').textContent();

/** Runs the room's code as `code` and waits for it to start; answers its run id. */
async function startRun(page: Page, code: string): Promise<string> {
  const before = await page.getByTestId('run-item').count();
  await setCode(page, code);
  await page.getByTestId('run-button').click();
  await expect.poll(() => page.getByTestId('run-item').count(), POLL).toBe(before + 1);
  const id = await latestRun(page).getAttribute('data-run-id');
  if (!id) throw new Error('the run has no id');
  return id;
}

async function openReplay(page: Page): Promise<void> {
  await page.getByTestId('history-button').click();
  await page.getByTestId('replay-button').click();
  await page.locator('[data-testid="lanes"][data-complete="true"]').waitFor();
}

describe.skipIf(!chromiumAvailable())('runs on the playback timeline and after a reconnect', () => {
  const { base, newPage, restartServer } = useBrowserSuite();

  it('a run made in a room still shows on the timeline after a server restart, at the code it ran', async () => {
    const room = await createRoom(base(), { name: 'Timeline runs', language: 'javascript' });
    const page = await newPage();
    await joinRoom(page, base(), room.id, 'Ada');
    const code = 'console.log("ran at", 6 * 7);';
    const runId = await startRun(page, code);
    await expect.poll(() => statusOf(page, runId), POLL).toBe('Exit 0');
    // Edits after the run: its place is before them, where the code is what it ran.
    await setCode(page, 'console.log("edited later");');

    await restartServer();
    await page.locator('[data-testid="connection-badge"][data-phase="connected"]').waitFor({ timeout: 30_000 });
    await openReplay(page);
    const marker = page.locator(`[data-testid="run-marker"][data-run-id="${runId}"]`);
    expect(await marker.getAttribute('data-status')).toBe('exited');
    expect(await marker.getAttribute('aria-label')).toBe('Ada ran javascript: Exit 0');

    await marker.hover();
    const card = page.getByTestId('timeline-run');
    await expect.poll(() => card.getAttribute('data-run-id'), POLL).toBe(runId);
    expect(await card.getByTestId('run-output').textContent()).toBe('ran at 42\n');
    expect(await card.getByTestId('run-author').textContent()).toBe('Ada');

    // Clicking it jumps there and keeps it shown.
    await marker.click();
    await page.mouse.move(0, 0);
    await expect.poll(() => editorText(page, '[data-testid="playback-code"]'), POLL).toBe(code);
    expect(await card.getAttribute('data-run-id')).toBe(runId);
    expect(await marker.getAttribute('aria-pressed')).toBe('true');
    await card.getByRole('button', { name: 'Close run' }).click();
    expect(await card.count()).toBe(0);

    // Playing from the start passes the marker and shows the run.
    const scrubber = page.getByLabel('Moment in the timeline');
    const firstSeq = (await scrubber.getAttribute('min')) ?? '';
    await scrubber.fill(firstSeq);
    await expect.poll(() => page.getByTestId('playback').getAttribute('data-seq'), POLL).toBe(firstSeq);
    expect(await card.count()).toBe(0);
    await page.locator('fieldset[aria-label="Speed"]').getByText('10×').click();
    await page.getByTestId('playback').getByRole('button', { name: 'Play', exact: true }).click();
    await expect.poll(() => card.getAttribute('data-run-id'), POLL).toBe(runId);
  }, 120_000);

  it('a tab that was offline during a run sees it after reconnecting, and a run it saw running shows how it ended', async () => {
    const room = await createRoom(base(), { name: 'Missed runs', language: 'javascript' });
    const ada = await newPage();
    const bruno = await newPage();
    const brunosNetwork = await cuttableSockets(bruno);
    await joinRoom(ada, base(), room.id, 'Ada');
    await joinRoom(bruno, base(), room.id, 'Bruno');

    const ticking = await startRun(ada, 'console.log("start");\nsetInterval(() => console.log("tick"), 100);');
    await expect.poll(() => outputOf(bruno, ticking), POLL).toContain('start\ntick\n');
    expect(await statusOf(bruno, ticking)).toBe('Running…');

    await brunosNetwork.cut();
    await bruno.locator('[data-testid="connection-badge"][data-phase="reconnecting"]').waitFor();
    await ada.getByTestId('run-stop').click();
    await expect.poll(() => statusOf(ada, ticking), POLL).toBe('Stopped');
    const missed = await startRun(ada, 'console.log("while you were away");');
    await expect.poll(() => statusOf(ada, missed), POLL).toBe('Exit 0');
    const adaTicks = await outputOf(ada, ticking);
    // Offline, Bruno's tab heard none of it.
    expect(await statusOf(bruno, ticking)).toBe('Running…');
    expect(await runItem(bruno, missed).count()).toBe(0);

    brunosNetwork.restore();
    await waitUntilConnected(bruno);
    await expect.poll(() => statusOf(bruno, ticking), POLL).toBe('Stopped');
    expect(await outputOf(bruno, ticking)).toBe(adaTicks);
    await expect.poll(() => outputOf(bruno, missed), POLL).toBe('while you were away\n');
    expect(await statusOf(bruno, missed)).toBe('Exit 0');
    // Each run once, in the order they started.
    expect(await bruno.getByTestId('run-item').evaluateAll((items) => items.map((item) => item.getAttribute('data-run-id')))).toEqual([
      ticking,
      missed,
    ]);
  }, 120_000);
});
