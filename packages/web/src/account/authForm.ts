import { PASSWORD_MAX, PASSWORD_MIN, passwordSchema, usernameSchema } from '@pairwise/protocol';
import type { CredentialsBody } from '@pairwise/protocol';
import { ApiRequestError } from '../lib/api';

export type AuthMode = 'sign-in' | 'sign-up';

export type AuthFormResult = { ok: true; body: CredentialsBody } | { ok: false; field: 'username' | 'password'; message: string };

/**
 * Checks the form before it is sent. Sign-up uses the server's own rules (the protocol's schemas),
 * so the user hears about a short password at once; sign-in only needs both fields: the server
 * answers the rest with one message for any wrong combination.
 */
export function checkAuthForm(mode: AuthMode, rawUsername: string, password: string): AuthFormResult {
  const username = rawUsername.trim().toLowerCase();
  if (username === '') return { ok: false, field: 'username', message: 'Enter a username.' };
  if (password === '') return { ok: false, field: 'password', message: 'Enter a password.' };
  if (mode === 'sign-in') return { ok: true, body: { username, password } };
  const name = usernameSchema.safeParse(rawUsername);
  if (!name.success) {
    return { ok: false, field: 'username', message: 'Usernames are 3-32 characters: letters a-z, digits, _ or -.' };
  }
  if (!passwordSchema.safeParse(password).success) {
    const message = password.length < PASSWORD_MIN ? `Use at least ${PASSWORD_MIN} characters.` : `Use at most ${PASSWORD_MAX} characters.`;
    return { ok: false, field: 'password', message };
  }
  return { ok: true, body: { username: name.data, password } };
}

/** The server's own message when it sent one; otherwise something a person can act on. */
export function authErrorMessage(err: unknown, mode: AuthMode): string {
  if (err instanceof ApiRequestError) {
    if (err.status === 0) return 'Could not reach the server. Check your connection and try again.';
    if (!err.code.startsWith('http_')) return err.message;
    if (err.status === 404) return 'This server does not offer accounts.';
  }
  return mode === 'sign-in' ? 'Could not sign in. Try again.' : 'Could not create the account. Try again.';
}
