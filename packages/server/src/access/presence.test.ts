import { describe, expect, it } from 'vitest';
import { presenceUserSchema } from '@pairwise/protocol';
import { presenceOf } from './presence.js';
import { colorFor } from './presence-colors.js';

describe('presenceOf', () => {
  const user = { kind: 'user', userId: 'u1', username: 'ada', sessionId: 's1' } as const;
  const query = (params: Record<string, string>): URLSearchParams => new URLSearchParams(params);

  it('shows a signed-in user by username and their own colour, whatever they ask for', () => {
    expect(presenceOf(user, query({ name: 'Grace Hopper', color: '#000000' }))).toEqual({
      name: 'ada',
      color: colorFor('user:u1'),
      guest: false,
    });
  });

  it('shows a guest by the name and colour they chose, marked as a guest', () => {
    expect(presenceOf({ kind: 'guest', guestId: 'g1' }, query({ name: '  Grace  ', color: '#12A594' }))).toEqual({
      name: 'Grace',
      color: '#12a594',
      guest: true,
    });
  });

  it('strips control and format characters from a guest name (no fake second line, no bidi tricks)', () => {
    const guest = { kind: 'guest', guestId: 'g2' } as const;
    expect(presenceOf(guest, query({ name: 'Eve\nada (owner)\u202e' })).name).toBe('Eveada (owner)');
    expect(presenceOf(guest, query({ name: '\u0000\u200f' }))).toEqual({ name: 'Guest', color: colorFor('guest:g2'), guest: true });
  });

  it('gives every signed-in user a colour valid for the protocol, stable per user and spread over the palette', () => {
    for (let i = 0; i < 200; i++) {
      const presence = presenceOf({ ...user, userId: `u${i}` }, query({}));
      expect(presenceUserSchema.safeParse(presence).success).toBe(true);
      expect(colorFor(`user:u${i}`)).toBe(presence.color);
    }
    expect(new Set(Array.from({ length: 200 }, (_, i) => colorFor(`user:${i}`))).size).toBeGreaterThan(6);
  });
});
