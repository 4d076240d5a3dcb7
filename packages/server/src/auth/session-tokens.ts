import { errors, jwtVerify, SignJWT } from 'jose';

/** What a session token says: which sign-in session (a revocable row in the store) of which user. */
export interface SessionClaims {
  sessionId: string;
  userId: string;
}

/** The token is not one this server issued, was tampered with, or has expired. Deliberately vague. */
export class InvalidTokenError extends Error {
  constructor() {
    super('invalid session token');
    this.name = 'InvalidTokenError';
  }
}

/** Longer than any token this server issues; bigger input is refused before any parsing. */
const MAX_TOKEN_LENGTH = 1024;

/**
 * Session tokens: HS256 JWTs carrying `sid` (the session row), `sub` (the user) and `exp`.
 * Only HS256 with this server's key is accepted: `alg: none` and any other algorithm are refused.
 */
export class SessionTokens {
  constructor(private readonly key: Uint8Array) {}

  issue(claims: SessionClaims, expiresAt: number): Promise<string> {
    return new SignJWT({ sid: claims.sessionId })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(claims.userId)
      .setIssuedAt()
      .setExpirationTime(Math.floor(expiresAt / 1000))
      .sign(this.key);
  }

  /** Throws InvalidTokenError unless the token is intact, ours and not expired. */
  async read(token: string): Promise<SessionClaims> {
    if (token.length > MAX_TOKEN_LENGTH) throw new InvalidTokenError();
    try {
      const { payload } = await jwtVerify(token, this.key, { algorithms: ['HS256'], requiredClaims: ['sid', 'sub', 'exp'] });
      if (typeof payload.sid !== 'string' || typeof payload.sub !== 'string') throw new InvalidTokenError();
      return { sessionId: payload.sid, userId: payload.sub };
    } catch (err) {
      if (err instanceof InvalidTokenError || err instanceof errors.JOSEError) throw new InvalidTokenError();
      throw err;
    }
  }
}
