import { hkdfSync, randomBytes } from 'node:crypto';
import type { AccountStore } from '../storage/accounts.js';

/** The name of the server-wide secret in the store, when AUTH_SECRET is not configured. */
export const AUTH_SECRET_NAME = 'auth';

/** One key per purpose, so a value signed for one purpose is never accepted for another. */
export interface AuthKeys {
  /** HS256 key of session tokens. */
  sessionTokens: Uint8Array;
  /** HMAC key of the guest identity cookie. */
  guestCookies: Buffer;
}

/**
 * The configured secret, or the one in the store: the first instance to start stores a random one
 * and every instance after it (and every restart) uses that, so tokens stay valid across them.
 */
export function loadAuthSecret(store: Pick<AccountStore, 'ensureSecret'>, configured: string | null): Promise<string> {
  return configured === null ? store.ensureSecret(AUTH_SECRET_NAME, randomBytes(32).toString('base64url')) : Promise.resolve(configured);
}

export function deriveAuthKeys(secret: string): AuthKeys {
  const derive = (purpose: string): Buffer => Buffer.from(hkdfSync('sha256', secret, 'pairwise', purpose, 32));
  return { sessionTokens: new Uint8Array(derive('session tokens')), guestCookies: derive('guest cookies') };
}
