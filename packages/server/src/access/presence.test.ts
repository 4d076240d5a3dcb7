import { describe, expect, it } from 'vitest';
import { presenceUserSchema } from '@pairwise/protocol';
import { colorFor, guestName, presenceOf } from './presence.js';

describe('presenceOf', () => {
  const user = { kind: 'user', userId: 'u1', username: 'ada', sessionId: 's1' } as const;

  it('shows a signed-in user by username, whatever name they ask for', () => {
    expect(presenceOf(user, 'Grace Hopper')).toEqual({ name: 'ada', color: colorFor('user:u1'), guest: false });
  });

  it('shows a guest by the name they chose, marked as a guest', () => {
    expect(presenceOf({ kind: 'guest', guestId: 'g1' }, '  Grace  ')).toEqual({ name: 'Grace', color: colorFor('guest:g1'), guest: true });
  });

  it('gives every presence a colour valid for the protocol, stable per person', () => {
    for (let i = 0; i < 200; i++) {
      const presence = presenceOf({ kind: 'guest', guestId: `g${i}` }, null);
      expect(presenceUserSchema.safeParse(presence).success).toBe(true);
      expect(colorFor(`guest:g${i}`)).toBe(presence.color);
    }
    const colours = new Set(Array.from({ length: 200 }, (_, i) => colorFor(`user:${i}`)));
    expect(colours.size).toBeGreaterThan(6);
  });
});

describe('guestName', () => {
  it('defaults to Guest for nothing, blanks and control characters', () => {
    for (const raw of [null, '', '   ', '\u0000\u0007\n']) expect(guestName(raw)).toBe('Guest');
  });

  it('collapses whitespace and keeps what fits the protocol’s 64 code units, never half a character', () => {
    expect(guestName('Ada \t\n Lovelace')).toBe('Ada Lovelace');
    expect(guestName('x'.repeat(100))).toBe('x'.repeat(64));
    expect(guestName('😀'.repeat(70))).toBe('😀'.repeat(32));
    expect(guestName(`x${'😀'.repeat(70)}`)).toBe(`x${'😀'.repeat(31)}`);
    expect(presenceUserSchema.safeParse({ name: guestName('😀'.repeat(70)), color: '#000000' }).success).toBe(true);
  });
});
