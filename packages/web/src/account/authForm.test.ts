import { describe, expect, it } from 'vitest';
import { ApiRequestError } from '../lib/api';
import { authErrorMessage, checkAuthForm } from './authForm';

describe('checkAuthForm', () => {
  it('asks for both fields in either mode', () => {
    expect(checkAuthForm('sign-in', '  ', 'x')).toMatchObject({ ok: false, field: 'username' });
    expect(checkAuthForm('sign-up', 'ada', '')).toMatchObject({ ok: false, field: 'password' });
  });

  it('applies the server rules on sign-up', () => {
    expect(checkAuthForm('sign-up', 'ad', 'longenough')).toMatchObject({ ok: false, field: 'username' });
    expect(checkAuthForm('sign-up', 'ada lovelace', 'longenough')).toMatchObject({ ok: false, field: 'username' });
    expect(checkAuthForm('sign-up', 'ada', 'short')).toEqual({ ok: false, field: 'password', message: 'Use at least 8 characters.' });
    expect(checkAuthForm('sign-up', ' Ada_1 ', 'longenough')).toEqual({ ok: true, body: { username: 'ada_1', password: 'longenough' } });
  });

  it('does not reveal the rules on sign-in, and sends the username as the server stores it', () => {
    expect(checkAuthForm('sign-in', 'ADA', 'short')).toEqual({ ok: true, body: { username: 'ada', password: 'short' } });
  });
});

describe('authErrorMessage', () => {
  it("shows the server's message", () => {
    const err = new ApiRequestError(409, 'username_taken', 'That username is taken.');
    expect(authErrorMessage(err, 'sign-up')).toBe('That username is taken.');
  });

  it('explains failures that carry no message of the server', () => {
    expect(authErrorMessage(new ApiRequestError(0, 'network_error', 'x'), 'sign-in')).toMatch(/reach the server/);
    expect(authErrorMessage(new ApiRequestError(404, 'http_404', 'Not Found (HTTP 404)'), 'sign-in')).toMatch(/does not offer accounts/);
    expect(authErrorMessage(new ApiRequestError(502, 'http_502', 'Bad Gateway (HTTP 502)'), 'sign-up')).toMatch(/create the account/);
    expect(authErrorMessage(new Error('boom'), 'sign-in')).toMatch(/Could not sign in/);
  });
});
