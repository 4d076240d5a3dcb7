import { defineConfig, defaultClientConditions } from 'vite';
import type { ProxyOptions } from 'vite';
import react from '@vitejs/plugin-react';
import { pyodideAssets } from './vite/pyodide-assets';

/**
 * The server refuses WebSockets opened by pages of other origins (ALLOWED_ORIGINS; by default only
 * its own). Pages this dev server serves are same-origin to it, so their handshakes are forwarded as
 * coming from the server's own origin; any other page's Origin is forwarded unchanged, and refused.
 */
function forwardOwnOrigin(target: string): ProxyOptions['configure'] {
  const targetOrigin = new URL(target).origin;
  return (proxy) => {
    proxy.on('proxyReqWs', (proxyReq, request) => {
      const origin = request.headers.origin;
      if (origin !== undefined && URL.canParse(origin) && new URL(origin).host === request.headers.host) {
        proxyReq.setHeader('origin', targetOrigin);
      }
    });
  };
}

/** What the server sends too: Python runs need SharedArrayBuffer (stopping a run, a blocking `input()`). */
const CROSS_ORIGIN_ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig(() => {
  // Read here, not at module scope, so `vite` picks up the variable the dev script sets.
  const target = process.env.PAIRWISE_SERVER ?? 'http://localhost:3000';
  const proxy: Record<string, ProxyOptions> = {
    '/api': { target, changeOrigin: true },
    '/health': { target, changeOrigin: true },
    '/ws': { target, ws: true, changeOrigin: true, configure: forwardOwnOrigin(target) },
  };
  return {
    plugins: [react(), pyodideAssets()],
    resolve: {
      // `source` makes Vite compile @pairwise/protocol from its TypeScript, so the web app
      // never depends on the protocol package having been built.
      conditions: ['source', ...defaultClientConditions],
    },
    server: { proxy, headers: CROSS_ORIGIN_ISOLATION },
    preview: { proxy, headers: CROSS_ORIGIN_ISOLATION },
    worker: { format: 'es' as const },
    build: {
      // Monaco alone is a few MB; the editor chunk is loaded lazily on the room page only.
      chunkSizeWarningLimit: 4096,
    },
  };
});
