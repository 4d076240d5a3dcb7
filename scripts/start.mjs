#!/usr/bin/env node
// `npm start`: build whatever is missing or older than its sources, then run the server, forwarding
// SIGINT/SIGTERM so Ctrl+C and `kill` shut it down cleanly (every accepted edit stored first).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const at = (...parts) => join(root, ...parts);

/** Newest modification time of a file, or of the files under a directory; 0 if it does not exist. */
function newest(path) {
  if (!existsSync(path)) return 0;
  if (!statSync(path).isDirectory()) return statSync(path).mtimeMs;
  let latest = 0;
  for (const entry of readdirSync(path, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) latest = Math.max(latest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return latest;
}

function run(command, args) {
  console.log(`> ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const tsc = at('node_modules', '.bin', 'tsc');
const vite = at('node_modules', '.bin', 'vite');
if (!existsSync(tsc) || !existsSync(vite)) {
  console.error('pairwise: dependencies are missing: run `npm install` first');
  process.exit(1);
}

const serverSources = Math.max(newest(at('packages', 'server', 'src')), newest(at('packages', 'protocol', 'src')));
if (newest(at('packages', 'server', 'dist')) < serverSources) run(tsc, ['-b', 'packages/server']);

const webSources = Math.max(
  newest(at('packages', 'web', 'src')),
  newest(at('packages', 'protocol', 'src')),
  newest(at('packages', 'web', 'index.html')),
);
const webBuilt = existsSync(at('packages', 'web', 'dist', 'index.html')) ? newest(at('packages', 'web', 'dist')) : 0;
if (webBuilt < webSources) run(vite, ['build', 'packages/web']);

const server = spawn(process.execPath, [at('packages', 'server', 'dist', 'main.js')], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
