import type { IncomingMessage } from 'node:http';
import proxyAddr from '@fastify/proxy-addr';
import { normalizeIP } from '@fastify/rate-limit';

/**
 * Which reverse proxies are believed about the client (`X-Forwarded-For`, `X-Forwarded-Host`):
 * none (false), any (true), or those at the listed addresses, CIDR ranges or proxy-addr names
 * (`loopback`, `linklocal`, `uniquelocal`).
 */
export type TrustProxy = boolean | readonly string[];

/** Whether the proxy at `address`, `hop` steps from the server (0 = the direct peer), is trusted. */
export type TrustFunction = (address: string, hop: number) => boolean;

/**
 * The trust test both Fastify (`request.ip`, `request.host`) and the WebSocket upgrade use, so an
 * HTTP request and a WebSocket from one client are counted under the same address.
 * Throws on a list entry that is not an address, range or known name.
 */
export function trustFunction(setting: TrustProxy): TrustFunction {
  if (setting === true) return () => true;
  if (setting === false) return () => false;
  return proxyAddr.compile([...setting]);
}

/** The client's address: the direct peer, or the nearest untrusted hop of X-Forwarded-For. Null once the socket is gone. */
export function clientAddress(request: IncomingMessage, trust: TrustFunction): string | null {
  if (request.socket.remoteAddress === undefined) return null;
  return proxyAddr(request, trust);
}

/** The host the client asked for: Host, or the last X-Forwarded-Host entry when the direct peer is a trusted proxy (as Fastify does). */
export function requestedHost(request: IncomingMessage, trust: TrustFunction): string | undefined {
  const forwarded = request.headers['x-forwarded-host'];
  const peer = request.socket.remoteAddress;
  if (typeof forwarded === 'string' && peer !== undefined && trust(peer, 0)) {
    return forwarded.slice(forwarded.lastIndexOf(',') + 1).trim();
  }
  return request.headers.host;
}

/**
 * The key per-address limits count under: the address itself for IPv4, its /64 network for IPv6
 * (one household or phone gets a whole /64, so single addresses are free to an attacker), IPv4-mapped
 * IPv6 as IPv4. The same function @fastify/rate-limit keys the API limit with.
 */
export function addressKey(address: string): string {
  return normalizeIP(address);
}
