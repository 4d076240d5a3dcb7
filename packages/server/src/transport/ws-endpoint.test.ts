import { describe, expect, it } from 'vitest';
import { roomIdFromUrl } from './ws-endpoint.js';

/** Which request URLs name a room on the sync endpoint (`/ws/:roomId`), and which room. */
describe('roomIdFromUrl', () => {
  const valid: [url: string, id: string][] = [
    ['/ws/abc', 'abc'],
    ['/ws/Room_1-x', 'Room_1-x'],
    [`/ws/${'a'.repeat(64)}`, 'a'.repeat(64)],
    // y-websocket appends the provider's params as a query string; it is ignored.
    ['/ws/abc?', 'abc'],
    ['/ws/abc?token=x&foo=bar', 'abc'],
    ['/ws/abc?next=/ws/other', 'abc'],
    // Percent-encoded characters that decode to allowed ones.
    ['/ws/%41bc', 'Abc'],
    ['/ws/a%2Db%5Fc', 'a-b_c'],
  ];
  for (const [url, id] of valid) {
    it(`${url} -> ${id.length > 20 ? `${id.slice(0, 8)}…(${id.length})` : id}`, () => {
      expect(roomIdFromUrl(url)).toBe(id);
    });
  }

  const invalid: [reason: string, url: string][] = [
    ['too short', '/ws/ab'],
    ['too short once decoded', '/ws/%61%62'],
    ['empty', '/ws/'],
    ['too long', `/ws/${'a'.repeat(65)}`],
    ['space', '/ws/a%20bc'],
    ['dot', '/ws/abc.def'],
    ['nested path', '/ws/abc/def'],
    ['encoded slash', '/ws/abc%2Fdef'],
    ['dot-dot', '/ws/../abc'],
    ['encoded question mark', '/ws/abc%3Fx'],
    ['hash', '/ws/abc#frag'],
    ['non-ASCII', '/ws/caf%C3%A9'],
    ['raw non-ASCII', '/ws/café'],
    ['malformed percent-encoding', '/ws/abc%E0%A4%A'],
    ['lone percent', '/ws/abc%'],
    ['NUL', '/ws/abc%00'],
    ['wrong prefix', '/api/rooms/abc'],
    ['prefix without slash', '/wsabc'],
    ['prefix look-alike', '/wss/abc'],
    ['upper-case prefix', '/WS/abc'],
    ['double slash', '/ws//abc'],
    ['no leading slash', 'ws/abc'],
    ['absolute URL', 'http://host/ws/abc'],
    ['empty URL', ''],
    ['query only', '/ws/?room=abc'],
  ];
  for (const [reason, url] of invalid) {
    it(`${reason}: ${url.length > 40 ? `${url.slice(0, 12)}…` : JSON.stringify(url)} -> null`, () => {
      expect(roomIdFromUrl(url)).toBeNull();
    });
  }
});
