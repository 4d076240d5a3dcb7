#!/usr/bin/env node
// `npm run dev`: the built server plus the Vite dev server (hot reload for packages/web), which
// proxies /api, /health and /ws to it. Ctrl+C or `kill` stops both; if either exits, so does the other.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const at = (...parts) => join(root, ...parts);

const tsc = at('node_modules', '.bin', 'tsc');
const vite = at('node_modules', '.bin', 'vite');
if (!existsSync(tsc) || !existsSync(vite)) {
  console.error('pairwise: dependencies are missing: run `npm install` first');
  process.exit(1);
}

// Incremental: a no-op when the server build is current. A compile error in work in progress
// should not block front-end work, so an older build is used if there is one.
const serverMain = at('packages', 'server', 'dist', 'main.js');
console.log('> tsc -b packages/server');
const build = spawnSync(tsc, ['-b', 'packages/server'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) {
  if (!existsSync(serverMain)) process.exit(build.status ?? 1);
  console.warn('pairwise: the server did not compile; starting the previous build');
}

const port = process.env.PORT || '3000';
const target = process.env.PAIRWISE_SERVER || `http://localhost:${port}`;
const children = [
  spawn(process.execPath, [serverMain], { cwd: root, stdio: 'inherit', env: { ...process.env, PORT: port } }),
  spawn(vite, [], { cwd: at('packages', 'web'), stdio: 'inherit', env: { ...process.env, PAIRWISE_SERVER: target } }),
];

let exitCode = null;
const running = () => children.filter((child) => child.exitCode === null && child.signalCode === null);

function stopAll(signal) {
  for (const child of running()) child.kill(signal);
  // A child that ignores the signal must not keep the terminal hostage.
  setTimeout(() => {
    for (const child of running()) child.kill('SIGKILL');
  }, 10_000).unref();
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    exitCode ??= 0;
    stopAll(signal);
  });
}

for (const child of children) {
  child.on('exit', (code, signal) => {
    // The first child to exit decides the exit code; the other is stopped.
    exitCode ??= code ?? (signal ? 1 : 0);
    if (running().length > 0) stopAll('SIGTERM');
    else process.exit(exitCode);
  });
}
