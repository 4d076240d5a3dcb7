import { describe, expect, it } from 'vitest';
import { fromAllowedOrigin, isStateChanging, type RequestOrigin } from './csrf.js';

describe('fromAllowedOrigin', () => {
  const request = (overrides: Partial<RequestOrigin>): RequestOrigin => ({
    host: 'code.example.com',
    origin: undefined,
    fetchSite: undefined,
    ...overrides,
  });

  it('allows the server’s own origin, whatever the scheme (TLS may end at a proxy)', () => {
    expect(fromAllowedOrigin(request({ origin: 'https://code.example.com' }), null)).toBe(true);
    expect(fromAllowedOrigin(request({ origin: 'http://code.example.com' }), null)).toBe(true);
    expect(fromAllowedOrigin(request({ host: 'localhost:3000', origin: 'http://localhost:3000' }), null)).toBe(true);
  });

  it('with ALLOWED_ORIGINS: exactly those (as the WebSocket Origin check)', () => {
    expect(fromAllowedOrigin(request({ origin: 'https://app.example.org' }), ['https://app.example.org'])).toBe(true);
    expect(fromAllowedOrigin(request({ origin: 'https://code.example.com' }), ['https://app.example.org'])).toBe(false);
  });

  it('allows what the browser itself calls same-origin (a dev proxy that rewrote Host)', () => {
    expect(fromAllowedOrigin(request({ host: 'localhost:3000', origin: 'http://localhost:5173', fetchSite: 'same-origin' }), null)).toBe(
      true,
    );
  });

  it('refuses other sites, other ports, "null" origins and requests that say nothing', () => {
    expect(fromAllowedOrigin(request({ origin: 'https://evil.example' }), ['https://app.example.org'])).toBe(false);
    expect(fromAllowedOrigin(request({ origin: 'https://code.example.com:8443' }), null)).toBe(false);
    expect(fromAllowedOrigin(request({ origin: 'https://evil.example', fetchSite: 'cross-site' }), null)).toBe(false);
    expect(fromAllowedOrigin(request({ origin: 'https://sub.code.example.com', fetchSite: 'same-site' }), null)).toBe(false);
    expect(fromAllowedOrigin(request({ origin: 'null' }), null)).toBe(false);
    expect(fromAllowedOrigin(request({}), null)).toBe(false);
    expect(fromAllowedOrigin(request({ origin: 'not a url' }), null)).toBe(false);
  });
});

describe('isStateChanging', () => {
  it('is true for POST, PUT, PATCH and DELETE only', () => {
    expect(['POST', 'put', 'PATCH', 'DELETE'].map(isStateChanging)).toEqual([true, true, true, true]);
    expect(['GET', 'HEAD', 'OPTIONS'].map(isStateChanging)).toEqual([false, false, false]);
  });
});
