import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

/**
 * argon2id password hashing (the library's defaults: 19 MiB, 2 passes, 1 lane, as OWASP
 * recommends). Hashing and verifying run in libuv's thread pool, never on the event loop.
 */
export class Passwords {
  /** A hash of a password nobody knows, made once, so an unknown username costs a real verify. */
  private dummyHash: Promise<string> | null = null;

  hash(password: string): Promise<string> {
    return hash(password);
  }

  /** False for a wrong password and for a stored hash that is not a valid PHC string. */
  async verify(passwordHash: string, password: string): Promise<boolean> {
    try {
      return await verify(passwordHash, password);
    } catch {
      return false;
    }
  }

  /** Spends what `verify` spends and answers false: sign-in of an unknown user must not be faster. */
  async verifyNobody(password: string): Promise<false> {
    this.dummyHash ??= hash(randomBytes(32).toString('base64url'));
    await this.verify(await this.dummyHash, password);
    return false;
  }
}
