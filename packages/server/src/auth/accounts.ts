import { randomBytes, randomUUID } from 'node:crypto';
import { publicUser } from '../access/presence.js';
import type { AuthAnswer, CredentialsBody } from '@pairwise/protocol';
import type { Principal } from '../access/session.js';
import type { AccountStore, UserRecord } from '../storage/accounts.js';
import type { Passwords } from './passwords.js';
import { InvalidTokenError, type SessionTokens } from './session-tokens.js';

export type UserPrincipal = Extract<Principal, { kind: 'user' }>;

/** Wrong username or password; the same answer for both, so usernames cannot be probed. */
export class InvalidCredentialsError extends Error {
  constructor() {
    super('wrong username or password');
    this.name = 'InvalidCredentialsError';
  }
}

/** The token is forged, expired, revoked or names a session or user that does not exist. One answer for all. */
export class InvalidSessionError extends Error {
  constructor() {
    super('the session is not valid; sign in again');
    this.name = 'InvalidSessionError';
  }
}

export interface AccountServiceOptions {
  store: AccountStore;
  tokens: SessionTokens;
  passwords: Passwords;
  sessionTtlMs: number;
  now?: () => number;
}

/** Accounts and sign-in sessions: register, sign in, sign out, and who a token belongs to. */
export class AccountService {
  private readonly now: () => number;

  constructor(private readonly options: AccountServiceOptions) {
    this.now = options.now ?? (() => Date.now());
  }

  /** Creates the account and signs it in. Throws UsernameTakenError (storage) if the name is taken. */
  async register(body: CredentialsBody): Promise<AuthAnswer> {
    const user: UserRecord = {
      id: randomUUID(),
      username: body.username,
      passwordHash: await this.options.passwords.hash(body.password),
      createdAt: this.now(),
    };
    await this.options.store.createUser(user);
    return this.startSession(user);
  }

  /** Throws InvalidCredentialsError; an unknown username costs as much as a wrong password. */
  async login(body: CredentialsBody): Promise<AuthAnswer> {
    const user = await this.options.store.findUserByName(body.username);
    const matches = user
      ? await this.options.passwords.verify(user.passwordHash, body.password)
      : await this.options.passwords.verifyNobody(body.password);
    if (!user || !matches) throw new InvalidCredentialsError();
    return this.startSession(user);
  }

  /** Revokes the sign-in session (logout): its tokens are refused from now on. Its open connections are the caller's to close. */
  async endSession(sessionId: string): Promise<void> {
    await this.options.store.revokeSession(sessionId, this.now());
  }

  /** Who the token belongs to. Throws InvalidSessionError unless token, session and user are all valid. */
  async authenticate(token: string): Promise<UserPrincipal> {
    let claims: { sessionId: string; userId: string };
    try {
      claims = await this.options.tokens.read(token);
    } catch (err) {
      if (err instanceof InvalidTokenError) throw new InvalidSessionError();
      throw err;
    }
    if (!(await this.isSessionLive(claims.sessionId, claims.userId))) throw new InvalidSessionError();
    const user = await this.options.store.getUser(claims.userId);
    if (!user) throw new InvalidSessionError();
    return { kind: 'user', userId: user.id, username: user.username, sessionId: claims.sessionId };
  }

  /** True while the sign-in session exists, belongs to the user, is not revoked and has not expired. */
  async isSessionLive(sessionId: string, userId: string): Promise<boolean> {
    const session = await this.options.store.getSession(sessionId);
    return session !== null && session.userId === userId && session.revokedAt === null && session.expiresAt > this.now();
  }

  private async startSession(user: UserRecord): Promise<AuthAnswer> {
    const createdAt = this.now();
    const session = { id: newSessionId(), userId: user.id, createdAt, expiresAt: createdAt + this.options.sessionTtlMs, revokedAt: null };
    await this.options.store.createSession(session);
    const token = await this.options.tokens.issue({ sessionId: session.id, userId: user.id }, session.expiresAt);
    return { token, expiresAt: new Date(session.expiresAt).toISOString(), user: publicUser(user.id, user.username) };
  }
}

/** 128 random bits; the token is what proves possession, the id only names the row. */
function newSessionId(): string {
  return randomBytes(16).toString('base64url');
}
