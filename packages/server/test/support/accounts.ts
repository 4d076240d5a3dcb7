import { expect } from 'vitest';
import { type AuthAnswer, CREDENTIALS } from '@pairwise/protocol';
import { api } from './http-api.js';
import type { TestServer } from './test-server.js';

/** A signed-in test user: their token, and headers that present it the way an API client does. */
export interface SignedIn extends AuthAnswer {
  bearer: Record<string, string>;
}

export const PASSWORD = 'correct horse battery';

export async function signUp(s: TestServer, username: string, password = PASSWORD): Promise<SignedIn> {
  const response = await api(s, 'POST', '/api/auth/register', { username, password });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  const answer = response.body as AuthAnswer;
  return { ...answer, bearer: { authorization: `Bearer ${answer.token}` } };
}

/** Cookies a response sets, by name (value only), from its Set-Cookie headers. */
export function cookiesSet(response: Response): Map<string, { value: string; attributes: string[] }> {
  const cookies = new Map<string, { value: string; attributes: string[] }>();
  for (const line of response.headers.getSetCookie()) {
    const [pair = '', ...attributes] = line.split(';').map((part) => part.trim());
    const at = pair.indexOf('=');
    cookies.set(pair.slice(0, at), { value: pair.slice(at + 1), attributes });
  }
  return cookies;
}

/** A `Cookie` header presenting the session token as the browser would, from this server's own page. */
export function browserSession(s: TestServer, token: string): Record<string, string> {
  return { cookie: `${CREDENTIALS.sessionCookie}=${token}`, origin: s.url };
}
