/**
 * Accounts and their sign-in sessions. A session row is what makes a signed token revocable:
 * a token names its session, and a revoked or expired session refuses the token.
 */

export interface UserRecord {
  id: string;
  /** Lower-case; unique. */
  username: string;
  /** argon2id PHC string. */
  passwordHash: string;
  /** Epoch milliseconds. */
  createdAt: number;
}

export interface SessionRecord {
  id: string;
  userId: string;
  /** Epoch milliseconds. */
  createdAt: number;
  expiresAt: number;
  revokedAt: number | null;
}

export class UsernameTakenError extends Error {
  constructor(readonly username: string) {
    super(`username ${username} is taken`);
    this.name = 'UsernameTakenError';
  }
}

export interface AccountStore {
  /** Throws UsernameTakenError if the username is taken. */
  createUser(user: UserRecord): Promise<void>;
  findUserByName(username: string): Promise<UserRecord | null>;
  getUser(id: string): Promise<UserRecord | null>;
  createSession(session: SessionRecord): Promise<void>;
  getSession(id: string): Promise<SessionRecord | null>;
  /** Marks the session revoked (first time only). False if it does not exist or was already revoked. */
  revokeSession(id: string, at: number): Promise<boolean>;
  /**
   * The server-wide secret called `name`: the stored one, or `value` stored now if there is none
   * (the first instance to store wins, so every instance signs with the same key).
   */
  ensureSecret(name: string, value: string): Promise<string>;
}
