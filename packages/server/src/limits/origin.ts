/**
 * Which web pages may open a WebSocket to the server. WebSockets are exempt from the browser's
 * same-origin policy, so without this check any site a user visits could open a room in their name
 * (cross-site WebSocket hijacking, with their cookies). Browsers always send `Origin` on the
 * handshake and a page cannot change it; clients outside a browser send none and are let through,
 * since they could forge any value anyway.
 */

/** `scheme://host[:port]` as browsers send it (lower-case host, no default port), or null if `text` is not an http(s) origin. */
export function normalizeOrigin(text: string): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  // An origin is only scheme, host and port: anything else means a full URL was given by mistake.
  if (url.username || url.password || url.search || url.hash || (url.pathname !== '/' && url.pathname !== '')) return null;
  return url.origin;
}

/** A Host header: a host name or address and an optional port, nothing that URL parsing would reinterpret. */
const HOST_HEADER = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/**
 * Whether a handshake from `origin` may open a socket. `allowed` is the configured list of origins
 * (normalised); null means "the server's own": an http or https origin naming the host the request
 * was sent to (`host`, the Host header or, behind a trusted proxy, X-Forwarded-Host).
 */
export function originAllowed(origin: string | undefined, host: string | undefined, allowed: readonly string[] | null): boolean {
  if (origin === undefined) return true;
  const normalised = normalizeOrigin(origin);
  if (normalised === null) return false;
  if (allowed !== null) return allowed.includes(normalised);
  if (host === undefined || !HOST_HEADER.test(host)) return false;
  const page = new URL(normalised);
  // Parsed with the page's scheme, so an explicit default port (`:443` for https) compares equal to none.
  return new URL(`${page.protocol}//${host}`).host === page.host;
}
