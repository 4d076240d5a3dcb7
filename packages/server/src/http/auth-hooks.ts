import fastifyCookie, { type CookieSerializeOptions } from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CREDENTIALS } from '@pairwise/protocol';
import type { Principal } from '../access/session.js';
import { type AccountService, InvalidSessionError } from '../auth/accounts.js';
import { fromAllowedOrigin, isStateChanging } from '../auth/csrf.js';
import type { GuestIdentities } from '../auth/guest-identity.js';
import { httpCredentials, type RequestCredentials } from '../auth/request-credentials.js';
import { HttpError } from './errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is calling; set for every `/api/` request by the auth hook (see requestPrincipal). */
    principal: Principal | null;
    /** What the caller presented; set with `principal`. */
    credentials: RequestCredentials | null;
  }
}

export interface HttpAuthOptions {
  accounts: AccountService;
  guests: GuestIdentities;
  /** Origins whose pages may send cookie-authenticated changes; null: the server's own. */
  allowedOrigins: readonly string[] | null;
}

/** Browsers cap cookie lifetimes at 400 days. */
const GUEST_COOKIE_MAX_AGE_S = 400 * 24 * 3600;

/**
 * Who is behind each API request: the signed-in user (Bearer token or session cookie; a token that
 * does not check out is 401 invalid_session and its cookie is cleared), else the guest of the signed
 * guest cookie, issued on first contact. Cookie-authenticated changes from other sites are refused.
 */
export async function registerAuthHooks(app: FastifyInstance, options: HttpAuthOptions): Promise<void> {
  await app.register(fastifyCookie, { secret: options.guests.signer });
  app.decorateRequest('principal', null);
  app.decorateRequest('credentials', null);
  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith('/api/')) return;
    const credentials = httpCredentials(request.headers, request.cookies);
    request.credentials = credentials;
    refuseCrossSite(request, credentials, options.allowedOrigins);
    request.principal = await principalOf(request, reply, credentials, options);
  });
}

/** The caller of an `/api/` route. */
export function requestPrincipal(request: FastifyRequest): Principal {
  if (request.principal === null) throw new Error(`no principal for ${request.url}: not an /api/ route?`);
  return request.principal;
}

export function requestCredentials(request: FastifyRequest): RequestCredentials {
  if (request.credentials === null) throw new Error(`no credentials for ${request.url}: not an /api/ route?`);
  return request.credentials;
}

/** httpOnly (scripts never see it), SameSite=Lax, whole site; Secure when the request came over https. */
export function cookieOptions(request: FastifyRequest): CookieSerializeOptions {
  return { httpOnly: true, sameSite: 'lax', path: '/', secure: request.protocol === 'https' };
}

export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, token: string, expiresAt: Date): void {
  void reply.setCookie(CREDENTIALS.sessionCookie, token, { ...cookieOptions(request), expires: expiresAt });
}

export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
  void reply.clearCookie(CREDENTIALS.sessionCookie, cookieOptions(request));
}

/**
 * A change that rides on a cookie the browser attached by itself must come from our own pages.
 * Bearer tokens and owner keys are exempt: a page on another site cannot make a browser send them.
 */
function refuseCrossSite(request: FastifyRequest, credentials: RequestCredentials, allowedOrigins: readonly string[] | null): void {
  if (!isStateChanging(request.method)) return;
  const explicit = credentials.session?.source === 'bearer' || credentials.presented.ownerKey !== null;
  const cookies = credentials.session?.source === 'cookie' || credentials.guestCookie !== undefined;
  if (explicit || !cookies) return;
  const origin = { host: request.host, origin: request.headers.origin, fetchSite: header(request, 'sec-fetch-site') };
  if (!fromAllowedOrigin(origin, allowedOrigins)) {
    throw new HttpError(
      403,
      'cross_site_request',
      'changes with cookies must come from this site’s own pages (or an ALLOWED_ORIGINS origin)',
    );
  }
}

async function principalOf(
  request: FastifyRequest,
  reply: FastifyReply,
  credentials: RequestCredentials,
  options: HttpAuthOptions,
): Promise<Principal> {
  if (credentials.session !== null) {
    try {
      return await options.accounts.authenticate(credentials.session.token);
    } catch (err) {
      if (!(err instanceof InvalidSessionError)) throw err;
      // A stale cookie would otherwise fail every request until the user found the sign-out button.
      if (credentials.session.source === 'cookie') clearSessionCookie(request, reply);
      throw new HttpError(401, 'invalid_session', err.message);
    }
  }
  const known = options.guests.read(credentials.guestCookie);
  if (known !== null) return { kind: 'guest', guestId: known };
  const guestId = options.guests.newGuestId();
  void reply.setCookie(CREDENTIALS.guestCookie, guestId, { ...cookieOptions(request), maxAge: GUEST_COOKIE_MAX_AGE_S, signed: true });
  return { kind: 'guest', guestId };
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
