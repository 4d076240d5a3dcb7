import { createHash } from 'node:crypto';

/** A `<script>` element without `src`, and its text. */
const INLINE_SCRIPT = /<script\b(?![^>]*\ssrc\s*=)[^>]*>([\s\S]*?)<\/script\s*>/gi;

/**
 * CSP sources (`'sha256-...'`) for the inline scripts of an HTML page: the web app's index.html
 * sets the theme before first paint with one, and the policy allows exactly that text and no other.
 */
export function inlineScriptHashes(html: string): string[] {
  const hashes = new Set<string>();
  for (const [, text] of html.matchAll(INLINE_SCRIPT)) {
    if (text === undefined || text === '') continue;
    hashes.add(`'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`);
  }
  return [...hashes];
}

/**
 * The Content-Security-Policy of every answer, written out in full (not helmet's defaults) so what
 * the web app may do is read here. Scripts and workers come only from this server, so injected
 * markup cannot run code; `blob:` workers and inline styles are what Monaco needs. No
 * `upgrade-insecure-requests`: a self-hosted server is often plain http on a LAN, where it would break every request.
 */
export function contentSecurityPolicy(scriptHashes: readonly string[]): Record<string, string[]> {
  return {
    'default-src': ["'self'"],
    'base-uri': ["'self'"],
    // Same-origin fetches and the WebSocket (CSP3 'self' covers ws: and wss: to the same host).
    'connect-src': ["'self'"],
    'font-src': ["'self'", 'data:'],
    'form-action': ["'self'"],
    'frame-ancestors': ["'self'"],
    'img-src': ["'self'", 'data:'],
    'object-src': ["'none'"],
    // 'wasm-unsafe-eval' compiles WebAssembly (Pyodide's interpreter) and nothing else: no eval of JavaScript.
    'script-src': ["'self'", "'wasm-unsafe-eval'", ...scriptHashes],
    'script-src-attr': ["'none'"],
    'style-src': ["'self'", "'unsafe-inline'"],
    'worker-src': ["'self'", 'blob:'],
  };
}
