import { describe, expect, it } from 'vitest';
import { normalizeOrigin, originAllowed } from './origin.js';

describe('normalizeOrigin', () => {
  it('gives origins as browsers send them', () => {
    expect(normalizeOrigin('https://Pairwise.Example.com')).toBe('https://pairwise.example.com');
    expect(normalizeOrigin('https://pairwise.example.com:443')).toBe('https://pairwise.example.com');
    expect(normalizeOrigin('http://localhost:5173/')).toBe('http://localhost:5173');
    expect(normalizeOrigin('http://[::1]:3000')).toBe('http://[::1]:3000');
  });

  it('refuses what is not an http(s) origin', () => {
    for (const text of [
      'null',
      '',
      'localhost:3000',
      'ftp://example.com',
      'https://example.com/app',
      'https://u:p@example.com',
      'https://example.com/#x',
      'file:///tmp',
    ]) {
      expect(normalizeOrigin(text), text).toBeNull();
    }
  });
});

describe('originAllowed', () => {
  describe('without ALLOWED_ORIGINS: the server’s own host', () => {
    const allowed: [origin: string, host: string][] = [
      ['http://127.0.0.1:3000', '127.0.0.1:3000'],
      ['https://pairwise.example.com', 'pairwise.example.com'],
      ['https://pairwise.example.com', 'pairwise.example.com:443'],
      ['http://pairwise.example.com', 'PAIRWISE.example.com:80'],
      ['http://[::1]:3000', '[::1]:3000'],
    ];
    for (const [origin, host] of allowed) {
      it(`${origin} to ${host}: allowed`, () => expect(originAllowed(origin, host, null)).toBe(true));
    }

    const refused: [origin: string, host: string | undefined][] = [
      ['https://evil.example', 'pairwise.example.com'],
      ['http://127.0.0.1:5173', '127.0.0.1:3000'],
      ['https://pairwise.example.com.evil.example', 'pairwise.example.com'],
      ['https://pairwise.example.com', 'pairwise.example.com:8443'],
      ['null', '127.0.0.1:3000'],
      ['chrome-extension://abcdef', '127.0.0.1:3000'],
      ['http://127.0.0.1:3000', undefined],
      // A Host header URL parsing would reinterpret must not make a foreign origin match.
      ['http://evil.example', 'evil.example/path'],
      ['http://evil.example', 'user@evil.example'],
    ];
    for (const [origin, host] of refused) {
      it(`${origin} to ${host}: refused`, () => expect(originAllowed(origin, host, null)).toBe(false));
    }
  });

  it('with ALLOWED_ORIGINS: exactly those, and not the own host unless listed', () => {
    const list = ['https://pairwise.example.com', 'http://localhost:5173'];
    expect(originAllowed('https://pairwise.example.com', 'internal:3000', list)).toBe(true);
    expect(originAllowed('https://PAIRWISE.example.com:443', 'internal:3000', list)).toBe(true);
    expect(originAllowed('http://localhost:5173', 'localhost:3000', list)).toBe(true);
    expect(originAllowed('http://internal:3000', 'internal:3000', list)).toBe(false);
    expect(originAllowed('https://evil.example', 'pairwise.example.com', list)).toBe(false);
  });

  it('lets clients without an Origin header through (they are not browsers and could send any)', () => {
    expect(originAllowed(undefined, '127.0.0.1:3000', null)).toBe(true);
    expect(originAllowed(undefined, undefined, ['https://pairwise.example.com'])).toBe(true);
  });
});
