import { createReadStream, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Plugin } from 'vite';
import { PYODIDE_DIR } from '../src/run/python/pyodide-path';

/**
 * The files of the `pyodide` npm package a run needs: the loader, the interpreter (JS glue and
 * wasm), the standard library and the lock file the loader reads at start-up. Extra packages
 * (numpy...) are not in the npm package and are not served.
 */
const PYODIDE_FILES: Record<string, string> = {
  'pyodide.mjs': 'text/javascript',
  'pyodide.asm.mjs': 'text/javascript',
  'pyodide.asm.wasm': 'application/wasm',
  'python_stdlib.zip': 'application/zip',
  'pyodide-lock.json': 'application/json',
};

function pyodidePackageDir(): string {
  return dirname(createRequire(import.meta.url).resolve('pyodide/package.json'));
}

/**
 * Copies Pyodide into the build (`dist/pyodide/`) and serves it from `node_modules` in `vite dev`,
 * so the interpreter comes from the app's own origin like every other script.
 */
export function pyodideAssets(): Plugin {
  const sourceDir = pyodidePackageDir();
  return {
    name: 'pairwise-pyodide-assets',
    configureServer(server) {
      server.middlewares.use((request, response, next) => {
        const path = request.url?.split('?', 1)[0] ?? '';
        const prefix = `${server.config.base}${PYODIDE_DIR}/`;
        const name = path.startsWith(prefix) ? path.slice(prefix.length) : '';
        const type = PYODIDE_FILES[name];
        if (type === undefined) return next();
        const file = join(sourceDir, name);
        response.setHeader('content-type', type);
        response.setHeader('content-length', statSync(file).size);
        createReadStream(file).pipe(response);
      });
    },
    generateBundle() {
      for (const name of Object.keys(PYODIDE_FILES)) {
        this.emitFile({ type: 'asset', fileName: `${PYODIDE_DIR}/${name}`, source: readFileSync(join(sourceDir, name)) });
      }
    },
  };
}
