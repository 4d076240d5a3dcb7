/**
 * Ghost-text latency in the browser: the web app's built completion worker (packages/web/dist, so
 * run `npm run build` first) in headless Chromium, with the language's learned prior loaded as a
 * room opening loads it, answering requests on a 5,000-line file with the cursor anywhere in it.
 * Times are round trips as the page sees them: a keystroke's change and the request posted, the
 * engine's answer back.
 *
 *   npm run bench:complete-worker     (from the repository root)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { alignColumns } from './complete/report.js';

const DIST = fileURLToPath(new URL('../../web/dist/', import.meta.url));
const CONTENT_TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript' };
const LINES = 5_000;
const QUERIES = 300;
/** Answers before this many are the JIT warming up: reported apart. */
const WARM_UP = 20;
const LANGUAGES = {
  python: { head: 'def run():\n', line: (i: number) => `    result_${i % 97} = compute(value_${i % 13}, "label ${i}")  # step ${i}` },
  javascript: {
    head: 'function run() {\n',
    line: (i: number) => `  const result${i % 97} = compute(value${i % 13}, 'label ${i}'); // step ${i}`,
  },
  typescript: {
    head: 'function run(): void {\n',
    line: (i: number) => `  const result${i % 97}: number = compute(value${i % 13}, 'label ${i}');`,
  },
  java: {
    head: 'class Main {\n  void run() {\n',
    line: (i: number) => `    int result${i % 97} = compute(value${i % 13}, "label ${i}"); // step ${i}`,
  },
  cpp: { head: 'void run() {\n', line: (i: number) => `    int result${i % 97} = compute(value${i % 13}, "label ${i}"); // step ${i}` },
} as const;

interface WorkerTimes {
  priorBytes: number;
  priorLoadMs: number;
  /** Sorted round trips after the warm-up, in milliseconds. */
  times: number[];
  /** The engine's own part of each, sorted. */
  engineTimes: number[];
  firstMs: number;
}

async function main(): Promise<void> {
  const worker = readdirSync(join(DIST, 'assets')).find((name) => name.startsWith('completionWorker-'));
  if (!worker) throw new Error(`no completion worker in ${DIST}assets: run npm run build first`);
  const server = createServer((request, response) => {
    const path = join(DIST, decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname));
    if (!path.startsWith(DIST)) return void response.writeHead(404).end();
    let body: Buffer;
    try {
      body = readFileSync(path);
    } catch {
      return void response.writeHead(404).end();
    }
    response.writeHead(200, { 'content-type': CONTENT_TYPES[extname(path)] ?? 'application/octet-stream' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const page = await browser.newPage();
    await page.goto(`${base}/index.html`);
    const rows: string[][] = [];
    for (const [language, shape] of Object.entries(LANGUAGES)) {
      const code = `${shape.head}${Array.from({ length: LINES }, (_, i) => shape.line(i)).join('\n')}\n`;
      const result = await page.evaluate(measureInWorker, {
        url: `${base}/assets/${worker}`,
        code,
        language,
        queries: QUERIES,
        warmUp: WARM_UP,
      });
      const at = (p: number, times = result.times) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!.toFixed(2);
      rows.push([
        language,
        String(code.length),
        String(result.priorBytes),
        String(Math.round(result.priorLoadMs)),
        result.firstMs.toFixed(2),
        at(0.5),
        at(0.99),
        result.times.at(-1)!.toFixed(2),
        at(0.5, result.engineTimes),
        at(0.99, result.engineTimes),
      ]);
    }
    console.log(`Completion worker in Chromium, ${LINES}-line files, ${QUERIES - WARM_UP} requests after ${WARM_UP} warm-up ones`);
    console.log(
      alignColumns([
        ['language', 'chars', 'prior bytes', 'prior load ms', 'first ms', 'p50 ms', 'p99 ms', 'max ms', 'engine p50', 'engine p99'],
        ...rows,
      ]),
    );
    console.log(
      `\nnode ${process.version}, ${cpus().length} CPUs, load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
    );
  } finally {
    await browser.close();
    server.close();
  }
}

interface WorkerMessage {
  type: string;
  id?: number;
  bytes?: number;
  ms?: number;
  engineMs?: number;
}

interface PageWorker {
  onmessage: ((event: { data: WorkerMessage }) => void) | null;
  postMessage(message: unknown): void;
  terminate(): void;
}

/** Runs in the page: the worker prepares the language (loads its prior), then answers one request at a time. */
async function measureInWorker(input: {
  url: string;
  code: string;
  language: string;
  queries: number;
  warmUp: number;
}): Promise<WorkerTimes> {
  // The page's own Worker: this package compiles without the DOM library.
  const PageWorker = (globalThis as unknown as { Worker: new (url: string, options: { type: 'module' }) => PageWorker }).Worker;
  const worker = new PageWorker(input.url, { type: 'module' });
  const waiting = new Map<number | 'prepared', (data: WorkerMessage) => void>();
  worker.onmessage = (event) => {
    const key = event.data.type === 'prepared' ? 'prepared' : (event.data.id ?? -1);
    waiting.get(key)?.(event.data);
  };
  const prepared = await new Promise<WorkerMessage>((resolve) => {
    waiting.set('prepared', resolve);
    worker.postMessage({ type: 'prepare', language: input.language });
  });
  // As the page does: the text once, then each keystroke as a change, and the request by version.
  let version = 1;
  worker.postMessage({ type: 'open', version, text: input.code });
  const times: number[] = [];
  const engineTimes: number[] = [];
  for (let q = 0; q < input.queries; q++) {
    const offset = Math.floor(((q + 0.5) / input.queries) * input.code.length) + q;
    const started = performance.now();
    const answer = await new Promise<WorkerMessage>((resolve) => {
      waiting.set(q, resolve);
      version++;
      worker.postMessage({ type: 'edit', version, changes: [{ offset, length: 0, text: 'x' }] });
      worker.postMessage({ type: 'complete', id: q, version, cursorPosition: offset + 1, language: input.language });
    });
    times.push(performance.now() - started);
    engineTimes.push(answer.engineMs ?? 0);
  }
  worker.terminate();
  const firstMs = times[0] ?? 0;
  const sorted = (all: number[]) => all.slice(input.warmUp).sort((a, b) => a - b);
  return {
    priorBytes: prepared.bytes ?? 0,
    priorLoadMs: prepared.ms ?? 0,
    times: sorted(times),
    engineTimes: sorted(engineTimes),
    firstMs,
  };
}

await main();
