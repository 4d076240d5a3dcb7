import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatedRoom, CreatedShareLink } from '@pairwise/protocol';
import { PostgresRoomStore } from '../src/storage/index.js';
import { PASSWORD, type SignedIn, signUp } from './support/accounts.js';
import { api, apiError, type ApiResponse } from './support/http-api.js';
import { startPrivatePostgres, type PrivatePostgres } from './support/private-postgres.js';
import { startTestServer, type TestServer } from './support/test-server.js';
import { waitFor } from './support/clients.js';
import { within } from './support/within.js';

/**
 * The accounts, rooms and sharing API while its PostgreSQL server is down (a private one, stopped
 * for real): every answer is a prompt 503 in the API's error shape, the server keeps serving, and
 * once the database is back the same requests succeed.
 */

/** Far above a refused connection (milliseconds), far below a client giving up. */
const ANSWER_WITHIN_MS = 5_000;

describe('the HTTP API while PostgreSQL is down', () => {
  let pg: PrivatePostgres;
  let s: TestServer;
  let ada: SignedIn;
  let room: CreatedRoom;
  let link: CreatedShareLink;

  beforeAll(async () => {
    pg = await startPrivatePostgres();
    s = await startTestServer({ store: await PostgresRoomStore.open(pg.url, { onError: () => {} }) });
    ada = await signUp(s, 'ada');
    await signUp(s, 'grace');
    room = (await api(s, 'POST', '/api/rooms', { visibility: 'private' }, ada.bearer)).body as CreatedRoom;
    expect((await api(s, 'PUT', `/api/rooms/${room.id}/members/grace`, { role: 'viewer' }, ada.bearer)).status).toBe(200);
    link = (await api(s, 'POST', `/api/rooms/${room.id}/links`, { role: 'viewer' }, ada.bearer)).body as CreatedShareLink;
  }, 60_000);

  afterAll(async () => {
    await s?.close();
    await pg?.destroy();
  });

  /** Every request that needs the store, as the signed-in owner would send it (or anyone, for sign-in). */
  const requests = (): [what: string, send: () => Promise<ApiResponse>][] => [
    ['sign in', () => api(s, 'POST', '/api/auth/login', { username: 'ada', password: PASSWORD })],
    ['register', () => api(s, 'POST', '/api/auth/register', { username: 'newcomer', password: PASSWORD })],
    ['who am I', () => api(s, 'GET', '/api/me', undefined, ada.bearer)],
    ['list my rooms', () => api(s, 'GET', '/api/rooms', undefined, ada.bearer)],
    ['list members', () => api(s, 'GET', `/api/rooms/${room.id}/members`, undefined, ada.bearer)],
    ['add a member', () => api(s, 'PUT', `/api/rooms/${room.id}/members/grace`, { role: 'editor' }, ada.bearer)],
    ['list links', () => api(s, 'GET', `/api/rooms/${room.id}/links`, undefined, ada.bearer)],
    ['create a link', () => api(s, 'POST', `/api/rooms/${room.id}/links`, { role: 'editor' }, ada.bearer)],
    ['revoke a link', () => api(s, 'DELETE', `/api/rooms/${room.id}/links/${link.id}`, undefined, ada.bearer)],
  ];

  it('answers each store-backed request with a prompt 503 JSON error, keeps serving, and works again once it is back', {
    timeout: 90_000,
  }, async () => {
    await pg.stop();
    for (const [what, send] of requests()) {
      const response = await within(send(), ANSWER_WITHIN_MS, `${what} while the database is down`);
      const error = apiError(response, 503);
      expect(error.code, what).toBe('storage_unavailable');
      expect(JSON.stringify(response.body), what).not.toMatch(/ECONNREFUSED|\bat .*\.js|postgres/i);
    }
    // The process is still serving: the probes answer, /ready says why it is not ready.
    expect((await fetch(`${s.url}/health`)).status).toBe(200);
    await waitFor(async () => (await fetch(`${s.url}/ready`)).status === 503, '/ready reports the store');

    await pg.start();
    // The pool reconnects on its own; the first requests after the restart may still find it starting up.
    await waitFor(async () => (await api(s, 'GET', '/api/rooms', undefined, ada.bearer)).status === 200, 'the API recovers', 30_000);
    const answers = new Map<string, ApiResponse>();
    for (const [what, send] of requests()) answers.set(what, await send());
    const statusOf = (what: string): number => answers.get(what)?.status ?? 0;
    expect(statusOf('sign in')).toBe(200);
    expect(statusOf('register')).toBe(201);
    expect(statusOf('who am I')).toBe(200);
    expect(answers.get('list my rooms')?.body).toMatchObject({ rooms: [{ id: room.id, role: 'owner' }] });
    expect(answers.get('list members')?.body).toMatchObject({ members: [{ username: 'grace', role: 'viewer' }] });
    expect(statusOf('add a member')).toBe(200);
    expect(statusOf('list links')).toBe(200);
    expect(statusOf('create a link')).toBe(201);
    expect(statusOf('revoke a link')).toBe(204);
  });
});
