import { describe, expect, it } from 'vitest';
import { TYPING_WINDOW_MS, initials, isTyping, participantsFromStates } from './presence';

describe('participantsFromStates', () => {
  const now = 1_000_000;

  it('lists you first, then others by name, and skips invalid states', () => {
    const states = new Map<number, unknown>([
      [3, { user: { name: 'Zoe', color: '#00AA00' } }],
      [1, { user: { name: 'Me', color: '#112233' } }],
      [2, { user: { name: 'Bob', color: '#aa0000' }, typingAt: now - 500 }],
      [4, { user: { name: '', color: '#aa0000' } }],
      [5, { user: { name: 'Evil', color: 'red;}body{display:none' } }],
      [6, {}],
      [7, null],
    ]);
    const people = participantsFromStates(states, 1, now);
    expect(people.map((p) => [p.clientId, p.name, p.isSelf, p.typing])).toEqual([
      [1, 'Me', true, false],
      [2, 'Bob', false, true],
      [3, 'Zoe', false, false],
    ]);
    expect(people[2]?.color).toBe('#00aa00');
  });

  it('shows typing for about two seconds after the last keystroke', () => {
    expect(isTyping(now - 100, now)).toBe(true);
    expect(isTyping(now - TYPING_WINDOW_MS - 1, now)).toBe(false);
    expect(isTyping(undefined, now)).toBe(false);
    expect(isTyping('soon', now)).toBe(false);
    // A clock a little ahead is tolerated; one far ahead is ignored.
    expect(isTyping(now + 1000, now)).toBe(true);
    expect(isTyping(now + 60_000, now)).toBe(false);
  });

  it('makes initials', () => {
    expect(initials('Ada Lovelace')).toBe('AL');
    expect(initials('grace')).toBe('G');
    expect(initials('Jean Paul Sartre')).toBe('JS');
  });
});
