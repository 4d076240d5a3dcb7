import { originAllowed } from '../limits/origin.js';

/** Methods that change something; GET and HEAD never do, so they need no origin check. */
const STATE_CHANGING_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface RequestOrigin {
  /** The host the request was sent to (`Host`, or `X-Forwarded-Host` from a trusted proxy). */
  host: string | undefined;
  /** The `Origin` header. */
  origin: string | undefined;
  /** The `Sec-Fetch-Site` header, which browsers set and pages cannot. */
  fetchSite: string | undefined;
}

export function isStateChanging(method: string): boolean {
  return STATE_CHANGING_METHODS.has(method.toUpperCase());
}

/**
 * Whether a request the browser authenticated with a cookie comes from one of our own pages:
 * the configured origins (ALLOWED_ORIGINS), or when none are configured the server's own host,
 * by the same rule as the WebSocket Origin check. Browsers send `Origin` with every cross-origin
 * and every same-origin non-GET request, and `Sec-Fetch-Site` in all current versions; a request
 * with neither is refused, since a page on another site is exactly what must not get through.
 * `same-origin` also covers a development proxy that rewrites `Host` (Vite's `changeOrigin`).
 */
export function fromAllowedOrigin(request: RequestOrigin, allowedOrigins: readonly string[] | null): boolean {
  if (request.fetchSite === 'same-origin') return true;
  // Unlike a WebSocket handshake, a change without an Origin is not let through: cookies came with it.
  if (request.origin === undefined) return false;
  return originAllowed(request.origin, request.host, allowedOrigins);
}
