import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { GuestIdentities } from './guest-identity.js';

describe('GuestIdentities', () => {
  const guests = new GuestIdentities(randomBytes(32));

  it('issues distinct URL-safe ids that a signed cookie carries back', () => {
    const ids = Array.from({ length: 1_000 }, () => guests.newGuestId());
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) {
      expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(guests.read(guests.sign(id))).toBe(id);
    }
  });

  it('refuses a forged, unsigned or malformed cookie', () => {
    const id = guests.newGuestId();
    const other = new GuestIdentities(randomBytes(32));
    expect(guests.read(other.sign(id))).toBeNull();
    expect(guests.read(id)).toBeNull();
    expect(guests.read(guests.sign('not a guest id'))).toBeNull();
    expect(guests.read(undefined)).toBeNull();
  });
});
