import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { chromiumAvailable } from './support/browser';
import { createRoom, getRoom, giveOwnerKey, joinRoom, setCode } from './support/room';
import { useBrowserSuite } from './support/suite';

const POLL = { timeout: 15_000, interval: 100 };

const latestRun = (page: Page) => page.getByTestId('run-item').last();
const latestOutput = (page: Page) => latestRun(page).getByTestId('run-output').textContent();
const latestStatus = (page: Page) => latestRun(page).getByTestId('run-status').textContent();

async function runCode(page: Page, code: string): Promise<void> {
  await setCode(page, code);
  await page.getByTestId('run-button').click();
}

describe.skipIf(!chromiumAvailable())('running JavaScript and TypeScript in the browser', () => {
  const { base, newPage } = useBrowserSuite();

  it('JavaScript: stdout, stderr in its own colour, ANSI colours as classes, exit 0, who ran it and how long it took', async () => {
    const room = await createRoom(base(), { name: 'Run JS', language: 'javascript' });
    const page = await newPage();
    await joinRoom(page, base(), room.id, 'Ada');
    await runCode(page, 'console.log("hello", 1 + 1);\nconsole.error("oops");\nconsole.log("\\x1b[31mred\\x1b[0m <b>plain</b>");');

    await expect.poll(() => latestStatus(page), POLL).toBe('Exit 0');
    expect(await latestOutput(page)).toBe('hello 2\noops\nred <b>plain</b>\n');
    const run = latestRun(page);
    expect(await run.locator('[data-stream="stderr"]').textContent()).toBe('oops\n');
    expect(await run.locator('.ansi-red-fg').textContent()).toBe('red');
    // Output is text: the tags show as written and make no element.
    expect(await run.getByTestId('run-output').locator('b').count()).toBe(0);
    expect(await run.getByTestId('run-author').textContent()).toBe('Ada');
    expect(await run.locator('.run__duration').textContent()).toMatch(/\d+(\.\d)? (ms|s)$/);
    expect(await run.getAttribute('data-status')).toBe('exited');
  }, 90_000);

  it('TypeScript: types are stripped, an uncaught exception goes to stderr and exits with 1, sync and async', async () => {
    const room = await createRoom(base(), { name: 'Run TS', language: 'typescript' });
    const page = await newPage();
    await joinRoom(page, base(), room.id, 'Ada');
    await runCode(page, 'interface Point { x: number }\nconst p: Point = { x: 21 };\nconsole.log(p.x * 2);\nthrow new Error("boom");');
    await expect.poll(() => latestStatus(page), POLL).toBe('Exit 1');
    expect(await latestOutput(page)).toBe('42\nUncaught Error: boom\n');

    await runCode(page, 'setTimeout(() => {\n  throw new TypeError("later");\n}, 50);\nconsole.log("scheduled");');
    await expect.poll(() => page.getByTestId('run-item').count(), POLL).toBe(2);
    await expect.poll(() => latestStatus(page), POLL).toBe('Exit 1');
    expect(await latestOutput(page)).toMatch(/^scheduled\nUncaught TypeError: later\n$/);
    // The earlier run folds away; the newest is open.
    expect(
      await page
        .getByTestId('run-item')
        .first()
        .evaluate((el) => (el as HTMLDetailsElement).open),
    ).toBe(false);
  }, 90_000);

  it('input(): the runner types the answer; it is echoed into the output', async () => {
    const room = await createRoom(base(), { name: 'Run input', language: 'javascript' });
    const page = await newPage();
    await joinRoom(page, base(), room.id, 'Ada');
    await runCode(page, 'const name = await input("Name? ");\nconsole.log("Hi " + name);');
    const input = page.getByTestId('run-input');
    await input.waitFor();
    expect(await latestOutput(page)).toBe('Name? ');
    await input.fill('Grace');
    await input.press('Enter');
    await expect.poll(() => latestStatus(page), POLL).toBe('Exit 0');
    expect(await latestOutput(page)).toBe('Name? Grace\nHi Grace\n');
    expect(await latestRun(page).locator('[data-stream="stdin"]').textContent()).toBe('Grace\n');
    expect(await input.count()).toBe(0);
  }, 90_000);

  it('an infinite loop is stopped at the time limit; Stop ends a run at once; the page stays responsive', async () => {
    const room = await createRoom(base(), { name: 'Run loop', language: 'javascript' });
    const page = await newPage();
    await joinRoom(page, base(), room.id, 'Ada');
    await runCode(page, 'console.log("spinning");\nwhile (true) {}');
    await expect.poll(() => latestOutput(page), POLL).toBe('spinning\n');
    // The loop runs in a worker: the page still answers.
    expect(await page.evaluate(() => 1 + 1)).toBe(2);
    await expect.poll(() => latestStatus(page), { timeout: 20_000, interval: 200 }).toBe('Time limit reached');
    expect(Number.parseFloat((await latestRun(page).locator('.run__duration').textContent()) ?? '')).toBeGreaterThanOrEqual(9.9);

    await runCode(page, 'setInterval(() => console.log("tick"), 50);');
    await expect.poll(() => latestOutput(page), POLL).toContain('tick\ntick\n');
    await page.getByTestId('stop-button').click();
    await expect.poll(() => latestStatus(page), POLL).toBe('Stopped');
    const ticks = await latestOutput(page);
    await page.waitForTimeout(300);
    expect(await latestOutput(page)).toBe(ticks);
    expect(await page.getByTestId('run-button').isEnabled()).toBe(true);

    await page.getByTestId('run-clear').click();
    expect(await page.getByTestId('run-item').count()).toBe(0);
  }, 90_000);

  it('Python in a room runs with Pyodide through the same console', async () => {
    const room = await createRoom(base(), { name: 'Run Python', language: 'python' });
    const page = await newPage();
    await joinRoom(page, base(), room.id, 'Ada');
    await runCode(page, 'import sys\nprint("hello from", "python")\nprint("oops", file=sys.stderr)');
    // The interpreter loads on first use (served by the app): give it time.
    await expect.poll(() => latestStatus(page), { timeout: 60_000, interval: 200 }).toBe('Exit 0');
    expect(await latestOutput(page)).toBe('hello from python\noops\n');
    expect(await latestRun(page).locator('[data-stream="stderr"]').textContent()).toBe('oops\n');
  }, 90_000);

  it('the Run button says why it is disabled for a language the browser cannot run', async () => {
    const room = await createRoom(base(), { name: 'Run Go', language: 'go' });
    const page = await newPage();
    await joinRoom(page, base(), room.id, 'Ada');
    const button = page.getByTestId('run-button');
    expect(await button.isDisabled()).toBe(true);
    expect(await button.getAttribute('title')).toMatch(/JavaScript and TypeScript/);
  }, 60_000);

  it('the owner switches running off in the share dialog; an editor’s Run says so at once, and works again when back on', async () => {
    const room = await createRoom(base(), { name: 'Run switch', language: 'javascript' });
    const owner = await newPage();
    const editor = await newPage();
    await giveOwnerKey(owner, base(), room);
    await joinRoom(owner, base(), room.id, 'Olive');
    await joinRoom(editor, base(), room.id, 'Ada');
    const button = editor.getByTestId('run-button');
    expect(await button.isEnabled()).toBe(true);

    await owner.getByTestId('share-button').click();
    const setting = owner.getByTestId('share-run-code');
    expect(await setting.getByRole('radio', { name: /Editors can run the code/ }).isChecked()).toBe(true);
    await setting.getByRole('radio', { name: /Nobody runs the code/ }).click();
    // The switch reaches the open room live (the document's meta), no reload.
    await expect.poll(() => button.getAttribute('title'), POLL).toMatch(/turned running code off/);
    expect(await button.isDisabled()).toBe(true);
    expect((await getRoom(base(), room.id)).runCode).toBe(false);

    await setting.getByRole('radio', { name: /Editors can run the code/ }).click();
    await expect.poll(() => button.isEnabled(), POLL).toBe(true);
    await runCode(editor, 'console.log("on again");');
    await expect.poll(() => latestStatus(editor), POLL).toBe('Exit 0');
  }, 90_000);

  it('a second participant sees who runs what, the output as it streams, and can stop it', async () => {
    const room = await createRoom(base(), { name: 'Run together', language: 'javascript' });
    const ada = await newPage();
    const bruno = await newPage();
    await joinRoom(ada, base(), room.id, 'Ada');
    await joinRoom(bruno, base(), room.id, 'Bruno');
    await runCode(ada, 'console.log("from Ada");\nsetInterval(() => console.log("tick"), 100);');

    await expect.poll(() => bruno.getByTestId('run-running').textContent(), POLL).toBe('Ada is running javascript…');
    await expect.poll(() => latestOutput(bruno), POLL).toContain('from Ada\ntick\n');
    expect(await latestRun(bruno).getByTestId('run-author').textContent()).toBe('Ada');
    // A room runs one program at a time.
    expect(await bruno.getByTestId('run-button').isDisabled()).toBe(true);
    expect(await bruno.getByTestId('run-button').getAttribute('title')).toBe('Ada is running the code; wait for it to end');
    await latestRun(bruno).getByTestId('run-stop').click();
    await expect.poll(() => latestStatus(ada), POLL).toBe('Stopped');
    await expect.poll(() => latestStatus(bruno), POLL).toBe('Stopped');
    // Who stopped it and the output both survive a reload, from the server's stored runs.
    await bruno.reload();
    await expect.poll(() => latestOutput(bruno), POLL).toContain('from Ada\n');
    expect(await latestRun(bruno).getByTestId('run-author').textContent()).toBe('Ada');
  }, 90_000);
});
