// Module hooks for worker threads under vitest: `.ts` files are transpiled (types stripped, one
// file at a time, no type checking) with the TypeScript compiler the repository already uses,
// and a relative `./x.js` import from a `.ts` file finds `./x.ts`, as tsc's NodeNext output would.
// Loading the compiler costs ~400 ms per thread, so output is cached on disk by source hash:
// a test opening many stores pays it once per changed file.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CACHE_DIR = join(tmpdir(), 'pairwise-ts-worker-cache');
let typescript;

export async function resolve(specifier, context, nextResolve) {
  const fromTs = context.parentURL?.endsWith('.ts') ?? false;
  if (fromTs && specifier.startsWith('.') && specifier.endsWith('.js')) {
    const asTs = new URL(specifier.replace(/\.js$/, '.ts'), context.parentURL);
    const asJs = new URL(specifier, context.parentURL);
    if (!existsSync(fileURLToPath(asJs)) && existsSync(fileURLToPath(asTs))) {
      return { url: asTs.href, shortCircuit: true };
    }
  }
  return nextResolve(specifier, context);
}

export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return nextLoad(url, context);
  const source = await readFile(new URL(url), 'utf8');
  const cached = join(CACHE_DIR, `${createHash('sha256').update(url).update('\0').update(source).digest('hex')}.js`);
  const output = await readFile(cached, 'utf8').catch(() => null);
  if (output !== null) return { format: 'module', source: output, shortCircuit: true };
  const transpiled = await transpile(url, source);
  mkdirSync(CACHE_DIR, { recursive: true });
  // Written aside, then renamed: threads starting at once never read a half-written file.
  const partial = `${cached}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  await writeFile(partial, transpiled);
  await rename(partial, cached);
  return { format: 'module', source: transpiled, shortCircuit: true };
}

async function transpile(url, source) {
  typescript ??= (await import('typescript')).default;
  return typescript.transpileModule(source, {
    fileName: fileURLToPath(url),
    compilerOptions: {
      module: typescript.ModuleKind.ESNext,
      target: typescript.ScriptTarget.ES2022,
      verbatimModuleSyntax: true,
      inlineSourceMap: true,
    },
  }).outputText;
}
