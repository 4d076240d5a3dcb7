/** Methods that change something; GET and HEAD never do, so they need no origin check. */
const STATE_CHANGING_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface RequestOrigin {
  /** The `Host` header. */
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
 * the configured origins (ALLOWED_ORIGINS), or when none are configured the server's own host.
 * Browsers send `Origin` with every cross-origin and every same-origin non-GET request, and
 * `Sec-Fetch-Site` in all current versions; a request with neither is refused, since a page on
 * another site is exactly what must not get through. `same-origin` also covers a development
 * proxy that rewrites `Host` (Vite's `changeOrigin`).
 */
export function fromAllowedOrigin(request: RequestOrigin, allowedOrigins: readonly string[] | null): boolean {
  if (request.fetchSite === 'same-origin') return true;
  if (request.origin === undefined || request.origin === 'null') return false;
  if (allowedOrigins !== null) return allowedOrigins.includes(request.origin);
  try {
    return request.host !== undefined && new URL(request.origin).host === request.host.toLowerCase();
  } catch {
    return false;
  }
}
