/** The directory (under the app's base URL) the build copies Pyodide into and the Python worker loads it from. */
export const PYODIDE_DIR = 'pyodide';

/** Absolute URL of that directory on this page's origin, ending in `/` as Pyodide's `indexURL` must. */
export function pyodideIndexURL(): string {
  return new URL(`${import.meta.env.BASE_URL}${PYODIDE_DIR}/`, location.href).href;
}
