import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { fastifyCookie } from '@fastify/cookie';
import { CREDENTIALS } from '@pairwise/protocol';
import type { PresentedCredentials } from '../access/session.js';

/** Where a session token came from: only a cookie is sent by browsers on their own (CSRF matters). */
export type TokenSource = 'bearer' | 'cookie' | 'query';

/** Everything a request or WebSocket upgrade presents, not yet verified. */
export interface RequestCredentials {
  session: { token: string; source: TokenSource } | null;
  /** The signed guest cookie, as sent. */
  guestCookie: string | undefined;
  presented: PresentedCredentials;
}

/**
 * An HTTP API request: `Authorization: Bearer` (preferred: a script says so explicitly) or the
 * session cookie; room credentials in headers. Tokens are never read from an HTTP URL, which
 * ends up in histories and proxy logs.
 */
export function httpCredentials(headers: IncomingHttpHeaders, cookies: Record<string, string | undefined>): RequestCredentials {
  const bearer = bearerToken(headers);
  const cookie = nonEmpty(cookies[CREDENTIALS.sessionCookie]);
  return {
    session: bearer ? { token: bearer, source: 'bearer' } : cookie ? { token: cookie, source: 'cookie' } : null,
    guestCookie: nonEmpty(cookies[CREDENTIALS.guestCookie]) ?? undefined,
    presented: {
      ownerKey: nonEmpty(single(headers[CREDENTIALS.ownerKeyHeader])),
      linkToken: nonEmpty(single(headers[CREDENTIALS.linkHeader])),
    },
  };
}

/**
 * A WebSocket upgrade: browsers send the cookies; the stock provider's `params` put `token`,
 * `ownerKey` and `link` in the query; other clients may send `Authorization: Bearer`.
 */
export function socketCredentials(request: IncomingMessage): RequestCredentials {
  const query = queryOf(request.url);
  const cookies = fastifyCookie.parse(request.headers.cookie ?? '');
  const fromHttp = httpCredentials(request.headers, cookies);
  const queryToken = nonEmpty(query.get(CREDENTIALS.tokenParam));
  return {
    session: fromHttp.session ?? (queryToken ? { token: queryToken, source: 'query' } : null),
    guestCookie: fromHttp.guestCookie,
    presented: {
      ownerKey: nonEmpty(query.get(CREDENTIALS.ownerKeyParam)) ?? fromHttp.presented.ownerKey,
      linkToken: nonEmpty(query.get(CREDENTIALS.linkParam)) ?? fromHttp.presented.linkToken,
    },
  };
}

/** The query string of a request URL (path ignored). */
export function queryOf(url: string | undefined): URLSearchParams {
  const at = (url ?? '').indexOf('?');
  return new URLSearchParams(at === -1 ? '' : (url ?? '').slice(at + 1));
}

function bearerToken(headers: IncomingHttpHeaders): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '');
  return match?.[1] ?? null;
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function nonEmpty(value: string | null | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}
