import { z } from 'zod';

/** Lower-case letters, digits, `_` and `-`; compared case-insensitively (stored lower-case). */
export const USERNAME_PATTERN = /^[a-z0-9_-]{3,32}$/;
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 256;

export const usernameSchema = z.string().trim().toLowerCase().regex(USERNAME_PATTERN, 'username must be 3-32 characters: a-z, 0-9, _ or -');
export const passwordSchema = z.string().min(PASSWORD_MIN, `password must be at least ${PASSWORD_MIN} characters`).max(PASSWORD_MAX);

/** `POST /api/auth/register` and `POST /api/auth/login`. */
export const credentialsBodySchema = z.strictObject({ username: usernameSchema, password: passwordSchema });
export type CredentialsBody = z.infer<typeof credentialsBodySchema>;

export interface PublicUser {
  id: string;
  username: string;
  /** The colour everyone sees this user's cursor and name in (the server decides it). */
  color: string;
}

/** `register` (201) and `login` (200) answer; the browser also gets the token as an httpOnly cookie. */
export interface AuthAnswer {
  token: string;
  expiresAt: string;
  user: PublicUser;
}

/** `GET /api/me`: the signed-in user, or null for a guest. */
export interface MeAnswer {
  user: PublicUser | null;
}
