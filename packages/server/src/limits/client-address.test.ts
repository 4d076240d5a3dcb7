import { describe, expect, it } from 'vitest';
import { addressKey, trustFunction } from './client-address.js';

describe('trustFunction', () => {
  it('false trusts no proxy, true every one', () => {
    expect(trustFunction(false)('127.0.0.1', 0)).toBe(false);
    expect(trustFunction(true)('203.0.113.9', 3)).toBe(true);
  });

  it('a list trusts exactly its addresses, ranges and names', () => {
    const trust = trustFunction(['loopback', '10.0.0.0/8', '192.0.2.7']);
    expect(trust('127.0.0.1', 0)).toBe(true);
    expect(trust('::1', 0)).toBe(true);
    expect(trust('10.20.30.40', 1)).toBe(true);
    expect(trust('192.0.2.7', 0)).toBe(true);
    expect(trust('192.0.2.8', 0)).toBe(false);
    expect(trust('203.0.113.9', 0)).toBe(false);
  });

  it('throws on an entry that is not an address, range or name', () => {
    expect(() => trustFunction(['not-an-address'])).toThrow();
  });
});

describe('addressKey', () => {
  it('keeps IPv4 addresses apart and maps IPv4-mapped IPv6 to IPv4', () => {
    expect(addressKey('192.0.2.1')).not.toBe(addressKey('192.0.2.2'));
    expect(addressKey('::ffff:192.0.2.1')).toBe(addressKey('192.0.2.1'));
  });

  it('counts a whole IPv6 /64 as one client (one household gets a /64)', () => {
    expect(addressKey('2001:db8:1:2::1')).toBe(addressKey('2001:db8:1:2:ffff:ffff:ffff:ffff'));
    expect(addressKey('2001:db8:1:2::1')).not.toBe(addressKey('2001:db8:1:3::1'));
  });
});
