import { afterEach, expect, it } from 'vitest';
import { colorFor } from '../src/access/presence-colors.js';
import WebSocket from 'ws';
import { type AuthAnswer, CLOSE_CODES, type MeAnswer } from '@pairwise/protocol';
import { browserSession, cookiesSet, PASSWORD, signUp } from './support/accounts.js';
import { api, apiError } from './support/http-api.js';
import { closeOf, closeRawSockets, rawClient } from './support/raw-socket.js';
import { describeEachStore } from './support/store-kinds.js';
import { startTestServer, type TestServer } from './support/test-server.js';

/** Register, sign in, sign out and `GET /api/me`, by Bearer token and by cookie. */

await describeEachStore('accounts', (openStore) => {
  let s: TestServer;

  afterEach(async () => {
    closeRawSockets();
    await s?.close();
  });

  const start = async (): Promise<void> => {
    s = await startTestServer({ store: await openStore() });
  };

  it('register answers 201 with a token and the user, and sets an httpOnly SameSite=Lax session cookie', async () => {
    await start();
    const response = await fetch(`${s.url}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'Ada', password: PASSWORD }),
    });
    expect(response.status).toBe(201);
    const answer = (await response.json()) as AuthAnswer;
    // The colour the room shows this user in, so the web app shows them the same one.
    expect(answer.user).toEqual({ id: expect.any(String), username: 'ada', color: colorFor(`user:${answer.user.id}`) });
    expect(Date.parse(answer.expiresAt) - Date.now()).toBeGreaterThan(700 * 3600_000);
    const cookie = cookiesSet(response).get('pairwise_session');
    expect(cookie?.value).toBe(answer.token);
    expect(cookie?.attributes).toEqual(expect.arrayContaining(['HttpOnly', 'SameSite=Lax', 'Path=/']));
    expect(cookie?.attributes.some((a) => a.startsWith('Expires='))).toBe(true);
    expect(cookie?.attributes).not.toContain('Secure'); // plain http: a Secure cookie would never come back
  });

  it('behind a trusted TLS proxy (https) both cookies are Secure', async () => {
    s = await startTestServer({ store: await openStore(), trustProxy: true });
    const response = await fetch(`${s.url}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-proto': 'https' },
      body: JSON.stringify({ username: 'ada', password: PASSWORD }),
    });
    expect(response.status).toBe(201);
    expect(cookiesSet(response).get('pairwise_session')?.attributes).toContain('Secure');
    const guest = await fetch(`${s.url}/api/me`, { headers: { 'x-forwarded-proto': 'https' } });
    expect(cookiesSet(guest).get('pairwise_guest')?.attributes).toContain('Secure');
  });

  it('GET /api/me knows the user by Bearer token and by cookie, and answers a guest with null', async () => {
    await start();
    const ada = await signUp(s, 'ada');
    const expected: MeAnswer = { user: ada.user };
    expect((await api(s, 'GET', '/api/me', undefined, ada.bearer)).body).toEqual(expected);
    expect((await api(s, 'GET', '/api/me', undefined, browserSession(s, ada.token))).body).toEqual(expected);
    expect((await api(s, 'GET', '/api/me')).body).toEqual({ user: null });
  });

  it('usernames are unique whatever their case; bad credentials bodies are 400', async () => {
    await start();
    await signUp(s, 'grace');
    expect(apiError(await api(s, 'POST', '/api/auth/register', { username: 'GRACE', password: PASSWORD }), 409).code).toBe(
      'username_taken',
    );
    for (const body of [
      {},
      { username: 'ab', password: PASSWORD },
      { username: 'grace', password: 'short' },
      { username: 'x y z', password: PASSWORD },
    ]) {
      apiError(await api(s, 'POST', '/api/auth/register', body), 400);
      apiError(await api(s, 'POST', '/api/auth/login', body), 400);
    }
  });

  it('login gives a new working token; a wrong password and an unknown user get the same 401', async () => {
    await start();
    const registered = await signUp(s, 'linus');
    const login = await api(s, 'POST', '/api/auth/login', { username: 'Linus', password: PASSWORD });
    expect(login.status).toBe(200);
    const answer = login.body as AuthAnswer;
    expect(answer.user).toEqual(registered.user);
    expect(answer.token).not.toBe(registered.token);
    expect((await api(s, 'GET', '/api/me', undefined, { authorization: `Bearer ${answer.token}` })).body).toEqual({
      user: registered.user,
    });

    const wrong = apiError(await api(s, 'POST', '/api/auth/login', { username: 'linus', password: 'not the password' }), 401);
    const unknown = apiError(await api(s, 'POST', '/api/auth/login', { username: 'nobody', password: 'not the password' }), 401);
    expect(wrong).toEqual({ code: 'invalid_credentials', message: expect.any(String) });
    expect(unknown).toEqual(wrong);
  });

  it('logout revokes the session: the token is refused from then on, its sockets close with 4401, the cookie is cleared', async () => {
    await start();
    const ada = await signUp(s, 'ada');
    const other = (await api(s, 'POST', '/api/auth/login', { username: 'ada', password: PASSWORD })).body as AuthAnswer;
    const roomId = await s.createRoom();
    const signedOut = rawClient(`${s.wsUrl}/${roomId}?token=${ada.token}`);
    const stillIn = rawClient(`${s.wsUrl}/${roomId}?token=${other.token}`);
    await Promise.all([signedOut.opened, stillIn.opened]);

    const response = await fetch(`${s.url}/api/auth/logout`, { method: 'POST', headers: ada.bearer });
    expect(response.status).toBe(204);
    expect(cookiesSet(response).get('pairwise_session')?.value).toBe('');
    expect((await closeOf(signedOut, 'signed-out socket')).code).toBe(CLOSE_CODES.sessionEnded);

    expect(apiError(await api(s, 'GET', '/api/me', undefined, ada.bearer), 401).code).toBe('invalid_session');
    // Signing out ends that session only, not the user's other sign-ins.
    expect((await api(s, 'GET', '/api/me', undefined, { authorization: `Bearer ${other.token}` })).body).toEqual({ user: ada.user });
    expect(stillIn.ws.readyState).toBe(WebSocket.OPEN);
    // A guest signing out is already signed out.
    expect((await api(s, 'POST', '/api/auth/logout')).status).toBe(204);
  });

  it('a stale session cookie is refused (401) and cleared, so the next request is a guest’s', async () => {
    await start();
    const ada = await signUp(s, 'ada');
    await api(s, 'POST', '/api/auth/logout', undefined, ada.bearer);
    const response = await fetch(`${s.url}/api/me`, { headers: browserSession(s, ada.token) });
    expect(response.status).toBe(401);
    expect(cookiesSet(response).get('pairwise_session')?.value).toBe('');
  });
});
