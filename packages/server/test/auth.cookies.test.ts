import { afterEach, expect, it } from 'vitest';
import { browserSession, cookiesSet, signUp } from './support/accounts.js';
import { api, apiError } from './support/http-api.js';
import { describeEachStore } from './support/store-kinds.js';
import { startTestServer, type TestServer } from './support/test-server.js';

/** The guest identity cookie, and cookie-authenticated changes refused unless they come from our own pages (CSRF). */

await describeEachStore('cookies', (openStore) => {
  let s: TestServer;

  afterEach(async () => {
    await s?.close();
  });

  it('a first API request gets a signed, httpOnly guest cookie; presenting it keeps the same guest', async () => {
    s = await startTestServer({ store: await openStore() });
    const first = await fetch(`${s.url}/api/me`);
    const guest = cookiesSet(first).get('pairwise_guest');
    expect(guest?.value).toMatch(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_+/=-]+$/);
    expect(guest?.attributes).toEqual(expect.arrayContaining(['HttpOnly', 'SameSite=Lax', 'Path=/']));
    expect(guest?.attributes.some((a) => /^Max-Age=\d{7,}$/.test(a))).toBe(true);

    const again = await fetch(`${s.url}/api/me`, { headers: { cookie: `pairwise_guest=${guest?.value}` } });
    expect(cookiesSet(again).has('pairwise_guest')).toBe(false);
  });

  it('a forged or tampered guest cookie is replaced by a fresh identity', async () => {
    s = await startTestServer({ store: await openStore() });
    const issued = cookiesSet(await fetch(`${s.url}/api/me`)).get('pairwise_guest')!.value;
    const [id, signature] = issued.split('.') as [string, string];
    for (const forged of [`${'A'.repeat(22)}.${signature}`, id, `${id}.`, 'garbage']) {
      const response = await fetch(`${s.url}/api/me`, { headers: { cookie: `pairwise_guest=${forged}` } });
      expect(response.status).toBe(200);
      const fresh = cookiesSet(response).get('pairwise_guest')?.value;
      expect(fresh).toBeDefined();
      expect(fresh?.split('.')[0]).not.toBe(forged.split('.')[0]);
    }
  });

  it('a change sent with the session cookie from another site is refused with 403; from our own page it goes through', async () => {
    s = await startTestServer({ store: await openStore() });
    const ada = await signUp(s, 'ada');
    const cookie = `pairwise_session=${ada.token}`;
    const create = (headers: Record<string, string>) => api(s, 'POST', '/api/rooms', { name: 'x' }, headers);

    expect(apiError(await create({ cookie, origin: 'https://evil.example' }), 403).code).toBe('cross_site_request');
    expect(apiError(await create({ cookie, origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }), 403).code).toBe(
      'cross_site_request',
    );
    expect(apiError(await create({ cookie }), 403).code).toBe('cross_site_request'); // says nothing about where it is from
    expect(apiError(await api(s, 'POST', '/api/auth/logout', undefined, { cookie, origin: 'https://evil.example' }), 403).code).toBe(
      'cross_site_request',
    );

    expect((await create(browserSession(s, ada.token))).status).toBe(201);
    expect((await create({ cookie, 'sec-fetch-site': 'same-origin' })).status).toBe(201);
    // Reading is never refused: GET changes nothing.
    expect((await api(s, 'GET', '/api/rooms', undefined, { cookie, origin: 'https://evil.example' })).status).toBe(200);
  });

  it('the guest cookie is held to the same rule', async () => {
    s = await startTestServer({ store: await openStore() });
    const guest = cookiesSet(await fetch(`${s.url}/api/me`)).get('pairwise_guest')!.value;
    const cookie = `pairwise_guest=${guest}`;
    apiError(await api(s, 'POST', '/api/rooms', {}, { cookie, origin: 'https://evil.example' }), 403);
    expect((await api(s, 'POST', '/api/rooms', {}, { cookie, origin: s.url })).status).toBe(201);
  });

  it('Bearer tokens and owner keys are exempt: another site cannot make a browser send them', async () => {
    s = await startTestServer({ store: await openStore() });
    const ada = await signUp(s, 'ada');
    const evil = { origin: 'https://evil.example', cookie: `pairwise_session=${ada.token}` };
    expect((await api(s, 'POST', '/api/rooms', {}, { ...evil, ...ada.bearer })).status).toBe(201);
    const roomId = await s.createRoom();
    expect((await api(s, 'PATCH', `/api/rooms/${roomId}`, { name: 'Renamed' }, { ...evil, ...s.asOwner(roomId) })).status).toBe(200);
    // A script with no cookies at all has nothing to forge.
    expect((await api(s, 'POST', '/api/rooms', {}, { origin: 'https://evil.example' })).status).toBe(201);
  });

  it('ALLOWED_ORIGINS names the origins whose pages may send changes', async () => {
    s = await startTestServer({ store: await openStore(), allowedOrigins: ['https://app.example.org'] });
    const ada = await signUp(s, 'ada');
    const cookie = `pairwise_session=${ada.token}`;
    expect((await api(s, 'POST', '/api/rooms', {}, { cookie, origin: 'https://app.example.org' })).status).toBe(201);
    apiError(await api(s, 'POST', '/api/rooms', {}, { cookie, origin: 'https://other.example.org' }), 403);
    // Exactly those origins, as for WebSockets: the host the request was sent to is not added.
    apiError(await api(s, 'POST', '/api/rooms', {}, { cookie, origin: s.url }), 403);
  });
});
