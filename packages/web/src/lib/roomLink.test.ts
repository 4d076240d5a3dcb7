import { describe, expect, it } from 'vitest';
import { parseRoomInput, roomPath } from './roomLink';

describe('parseRoomInput', () => {
  it.each([
    ['abc123', 'abc123'],
    ['  abc_12-3  ', 'abc_12-3'],
    ['https://pairwise.example.com/r/Room_42', 'Room_42'],
    ['http://localhost:5173/r/Room_42/', 'Room_42'],
    ['https://pairwise.example.com/r/Room_42?x=1#top', 'Room_42'],
    ['/r/xyz', 'xyz'],
    ['pairwise.example.com/r/xyz', 'xyz'],
  ])('finds the room in %j', (input, id) => {
    expect(parseRoomInput(input)).toBe(id);
  });

  it.each(['', '   ', 'ab', 'has space', 'https://example.com/', 'https://example.com/r/', 'https://example.com/r/a%2Fb', 'x'.repeat(65)])(
    'rejects %j',
    (input) => {
      expect(parseRoomInput(input)).toBeNull();
    },
  );

  it('builds room paths', () => {
    expect(roomPath('abc')).toBe('/r/abc');
  });
});
