import { describe, expect, it } from 'vitest';
import { decodeEntry, decodeNotice } from './redis-room-log.js';

describe('decodeNotice', () => {
  it('reads a carried entry whose data holds newlines, as the fields XREAD would return', () => {
    const data = Buffer.from([1, 0x0a, 2, 0x0a, 0x0a]);
    const notice = decodeNotice(Buffer.concat([Buffer.from('1700000000000-3\n1700000000000-2\ninstance-a\nu\n'), data]));
    expect(notice).toMatchObject({ id: '1700000000000-3', previousId: '1700000000000-2' });
    expect(notice.fields && decodeEntry(notice.fields)).toEqual({
      prev: '1700000000000-2',
      origin: 'instance-a',
      kind: 'update',
      update: new Uint8Array(data),
    });
  });

  it('reads a notice that names its entry only (too big to carry)', () => {
    expect(decodeNotice(Buffer.from('5-0\n0-0'))).toEqual({ id: '5-0', previousId: '0-0', fields: null });
  });

  it.each(['not-an-id', '5-0', '5-0\nx', '5-0\n4-0\norigin', '5-0\n4-0\norigin\nu', ''])('refuses %j', (message) => {
    expect(() => decodeNotice(Buffer.from(message))).toThrow('room log notice is malformed');
  });
});
