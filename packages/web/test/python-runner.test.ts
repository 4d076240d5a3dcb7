import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INTERRUPT_GRACE_MS } from '../src/run/python/python-runner';
import { pyodideAssets } from '../vite/pyodide-assets';
import type { PythonRunnerTest, RunRecord, StartOptions } from './python-runner-page/main';
import { chromiumAvailable } from './support/browser';
import { useBrowserSuite } from './support/suite';

/**
 * The Python runner in real Chromium, served by the real server (its CSP, COOP and COEP headers).
 * The runner has no screen of its own yet, so a small page that only drives it is built here the
 * way the app is built (Vite, the same Pyodide plugin) and served in place of the app; the app's
 * production build holds no test hook. Pyodide loads once for the whole page.
 */

const PAGE_ROOT = fileURLToPath(new URL('./python-runner-page/', import.meta.url));

async function buildTestPage(): Promise<{ env: Record<string, string>; stop(): Promise<void> }> {
  const outDir = await mkdtemp(join(tmpdir(), 'pairwise-python-page-'));
  await build({
    root: PAGE_ROOT,
    configFile: false,
    logLevel: 'warn',
    plugins: [pyodideAssets()],
    worker: { format: 'es' },
    build: { outDir, emptyOutDir: true },
  });
  return { env: { WEB_DIST_DIR: outDir }, stop: () => rm(outDir, { recursive: true, force: true }) };
}

const runnerOf = (page: Page) => ({
  start: (code: string, options: StartOptions = {}) =>
    page.evaluate(([c, o]) => (window as unknown as { pythonRunnerTest: PythonRunnerTest }).pythonRunnerTest.start(c, o), [
      code,
      options,
    ] as const),
  finished: () => page.evaluate(() => (window as unknown as { pythonRunnerTest: PythonRunnerTest }).pythonRunnerTest.finished()),
  current: () => page.evaluate(() => (window as unknown as { pythonRunnerTest: PythonRunnerTest }).pythonRunnerTest.current()),
  stop: () => page.evaluate(() => (window as unknown as { pythonRunnerTest: PythonRunnerTest }).pythonRunnerTest.stop()),
});

describe.skipIf(!chromiumAvailable())('the Python runner in Chromium', () => {
  const { base, newPage } = useBrowserSuite(buildTestPage);
  let page: Page;
  let runner: ReturnType<typeof runnerOf>;
  const problems: string[] = [];
  const foreignRequests: string[] = [];

  const run = async (code: string, options: StartOptions = {}): Promise<RunRecord> => {
    await runner.start(code, options);
    return runner.finished();
  };

  beforeAll(async () => {
    page = await newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('response', (response) => {
      if (response.status() >= 400) problems.push(`${response.status()} ${response.url()}`);
    });
    page.on('request', (request) => {
      if (!request.url().startsWith(base())) foreignRequests.push(request.url());
    });
    await page.goto(`${base()}/`);
    runner = runnerOf(page);
  }, 60_000);

  afterAll(() => {
    expect(problems, 'console errors and CSP violations').toEqual([]);
  });

  it('loads Pyodide from the app itself, cross-origin isolated under the server’s CSP', async () => {
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    const loadMs = await page.evaluate(() => (window as unknown as { pythonRunnerTest: PythonRunnerTest }).pythonRunnerTest.warmUp());
    console.info(`[python runner] Pyodide loaded in ${Math.round(loadMs)} ms`);
    expect(foreignRequests).toEqual([]);
  }, 60_000);

  it('print goes to stdout, sys.stderr to stderr, and a clean end is exit 0', async () => {
    const result = await run('import sys\nprint("hello", 6 * 7)\nsys.stderr.write("warning\\n")\nprint("é" * 3)');
    expect(result.end).toEqual({ status: 'exited', exitCode: 0 });
    expect(result.stdout).toBe('hello 42\nééé\n');
    expect(result.stderr).toBe('warning\n');
  });

  it('an uncaught exception prints its traceback (the program’s own lines) on stderr and exits 1', async () => {
    const result = await run('def divide(a, b):\n    return a / b\n\nprint("before")\ndivide(1, 0)\n');
    expect(result.end).toEqual({ status: 'failed', exitCode: 1 });
    expect(result.stdout).toBe('before\n');
    expect(result.stderr).toMatch(/^Traceback \(most recent call last\):\n {2}File "main\.py", line 5, in <module>\n/);
    expect(result.stderr).toContain('return a / b');
    expect(result.stderr).toMatch(/ZeroDivisionError: division by zero\n$/);
    expect(result.stderr).not.toContain('_pairwise_run_program');

    const syntax = await run('print("unclosed"\n');
    expect(syntax.end).toEqual({ status: 'failed', exitCode: 1 });
    expect(syntax.stderr).toContain('SyntaxError');
  });

  it('sys.exit(n) is exit n, sys.exit() is a clean exit', async () => {
    expect((await run('import sys\nsys.exit(3)')).end).toEqual({ status: 'failed', exitCode: 3 });
    expect((await run('raise SystemExit')).end).toEqual({ status: 'exited', exitCode: 0 });
    const message = await run('import sys\nsys.exit("bad input")');
    expect(message.end).toEqual({ status: 'failed', exitCode: 1 });
    expect(message.stderr).toBe('bad input\n');
  });

  it('each run starts with fresh globals and the standard streams back', async () => {
    await run('import sys, io\nsecret = 1\nsys.stdout = io.StringIO()');
    const result = await run('print(__name__)\nprint(secret)');
    expect(result.stdout).toBe('__main__\n');
    expect(result.stderr).toContain("NameError: name 'secret' is not defined");
  });

  it('input() blocks until the runner’s user answers, with its prompt; end of input is EOFError', async () => {
    const result = await run('name = input("Name? ")\nage = input()\nprint(f"Hello {name}, {age}")\ninput()', { stdin: ['Ada', '36'] });
    expect(result.prompts).toEqual(['Name? ', '', '']);
    expect(result.stdout).toBe('Name? Hello Ada, 36\n');
    expect(result.stderr).toContain('EOFError');
    expect(result.end).toEqual({ status: 'failed', exitCode: 1 });

    const long = 'x'.repeat(200_000);
    const echoed = await run('print(len(input()))', { stdin: [long] });
    expect(echoed.stdout).toBe('200000\n');
  });

  it('an endless loop is stopped at the time limit, and the interpreter serves the next run at once', async () => {
    const result = await run('print("spinning", flush=True)\nwhile True:\n    pass', { timeLimitMs: 500 });
    expect(result.end).toEqual({ status: 'timed-out', exitCode: null });
    expect(result.stdout).toBe('spinning\n');
    expect(result.ms).toBeLessThan(500 + INTERRUPT_GRACE_MS);
    const next = await run('print("next")');
    expect(next.stdout).toBe('next\n');
    // The same interpreter: no reload of several seconds.
    expect(next.ms).toBeLessThan(1000);
  });

  it('stop() ends a running program and a program waiting in input()', async () => {
    await runner.start('n = 0\nprint("started", flush=True)\nwhile True:\n    n += 1');
    await expect.poll(async () => (await runner.current()).stdout, { timeout: 10_000 }).toBe('started\n');
    await runner.stop();
    const stopped = await runner.finished();
    expect(stopped.end).toEqual({ status: 'stopped', exitCode: null });

    await runner.start('input("waiting ")', { stdin: 'never' });
    await expect.poll(async () => (await runner.current()).prompts, { timeout: 10_000 }).toEqual(['waiting ']);
    await runner.stop();
    expect((await runner.finished()).end).toEqual({ status: 'stopped', exitCode: null });
    expect((await run('print("after")')).ms).toBeLessThan(1000);
  });

  it('a program that swallows KeyboardInterrupt loses its worker, and a fresh one runs the next program', async () => {
    const stubborn = 'while True:\n    try:\n        while True:\n            pass\n    except KeyboardInterrupt:\n        pass';
    const result = await run(stubborn, { timeLimitMs: 300 });
    expect(result.end).toEqual({ status: 'timed-out', exitCode: null });
    expect(result.ms).toBeGreaterThanOrEqual(300 + INTERRUPT_GRACE_MS - 50);
    const next = await run('x = 2\nprint(x ** 10)');
    expect(next.end).toEqual({ status: 'exited', exitCode: 0 });
    expect(next.stdout).toBe('1024\n');
  }, 60_000);
});
