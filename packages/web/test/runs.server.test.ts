import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { chromiumAvailable } from './support/browser';
import { createRoom, joinRoom, setCode } from './support/room';
import { useBrowserSuite } from './support/suite';

const POLL = { timeout: 20_000, interval: 100 };

const latestRun = (page: Page) => page.getByTestId('run-item').last();
const latestOutput = (page: Page) => latestRun(page).getByTestId('run-output').textContent();
const latestStatus = (page: Page) => latestRun(page).getByTestId('run-status').textContent();

/** RUNNER=sandbox: the server runs C++ in bubblewrap (needs root, cgroup v1, bwrap and g++, as in CI). */
describe.skipIf(!chromiumAvailable())('running C++ on the server', () => {
  const { base, newPage } = useBrowserSuite(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pw-web-sandbox-'));
    return {
      env: { RUNNER: 'sandbox', SANDBOX_DIR: dir, RUN_TIME_LIMIT_MS: '20000' },
      stop: () => rm(dir, { recursive: true, force: true }),
    };
  });

  it('Run on server: a second participant sees who ran it and its output; either can stop a run', async () => {
    const room = await createRoom(base(), { name: 'Run C++', language: 'cpp' });
    const ada = await newPage();
    const bruno = await newPage();
    await joinRoom(ada, base(), room.id, 'Ada');
    await joinRoom(bruno, base(), room.id, 'Bruno');
    const run = ada.getByTestId('run-button');
    await expect.poll(() => run.getAttribute('data-where'), POLL).toBe('server');
    expect(await run.textContent()).toBe('Run on server');

    await setCode(
      ada,
      '#include <iostream>\nint main() {\n  std::cout << "hello from the server" << std::endl;\n  std::cerr << "on stderr" << std::endl;\n}\n',
    );
    await run.click();
    await expect.poll(() => latestStatus(bruno), POLL).toBe('Exit 0');
    // Two pipes: which of the two lines the server reads first is not fixed.
    expect(await latestRun(bruno).locator('[data-stream="stdout"]').textContent()).toBe('hello from the server\n');
    expect(await latestRun(bruno).locator('[data-stream="stderr"]').textContent()).toBe('on stderr\n');
    expect(await latestRun(bruno).getByTestId('run-author').textContent()).toBe('Ada');
    await expect.poll(() => latestStatus(ada), POLL).toBe('Exit 0');

    await setCode(ada, '#include <iostream>\n#include <unistd.h>\nint main() {\n  std::cout << "waiting" << std::endl;\n  sleep(60);\n}\n');
    await run.click();
    await expect.poll(() => latestOutput(bruno), POLL).toBe('waiting\n');
    // Ada's Run became the Stop of her server run; Bruno stops it from the console.
    expect(await ada.getByTestId('stop-button').isVisible()).toBe(true);
    await latestRun(bruno).getByTestId('run-stop').click();
    await expect.poll(() => latestStatus(ada), POLL).toBe('Stopped');
    await expect.poll(() => latestStatus(bruno), POLL).toBe('Stopped');
    await expect.poll(() => ada.getByTestId('run-button').isEnabled(), POLL).toBe(true);
  }, 120_000);
});
