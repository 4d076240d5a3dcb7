import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Bearer secrets handed out once (owner keys, share-link tokens): 256 random bits, URL-safe.
 * Only their SHA-256 is stored; a fast hash is right for random secrets (nothing to brute-force).
 */
export function newSecretToken(): string {
  return randomBytes(32).toString('base64url');
}

/** SHA-256, hex: what the store keeps instead of the secret. */
export function hashSecret(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Whether `token` is the secret whose hash is stored, in constant time. */
export function matchesHash(token: string, storedHash: string): boolean {
  const actual = Buffer.from(hashSecret(token), 'hex');
  const expected = Buffer.from(storedHash, 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
