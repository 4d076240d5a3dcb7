import { afterEach, describe, expect, it } from 'vitest';
import type { CreatedRoom, CreatedShareLink } from '@pairwise/protocol';
import { PostgresRoomStore } from '../src/storage/index.js';
import { PASSWORD, type SignedIn, signUp } from './support/accounts.js';
import { waitFor } from './support/clients.js';
import { api, apiError, type ApiResponse } from './support/http-api.js';
import { createTestDatabase, describeWithPostgres } from './support/postgres.js';
import { startPrivatePostgres } from './support/private-postgres.js';
import { startTcpProxy } from './support/tcp-proxy.js';
import { startTestServer, type TestServer, type TestServerOptions } from './support/test-server.js';
import { within } from './support/within.js';

/**
 * The accounts, rooms and sharing API while its PostgreSQL fails for real (a private server
 * stopped; a database whose connections stop answering): every answer is a prompt 503 in the API's
 * error shape, the server keeps serving, and once the database is back the same requests succeed.
 */

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

interface Fixture {
  s: TestServer;
  ada: SignedIn;
  room: CreatedRoom;
  link: CreatedShareLink;
}

/** A server on the database at `url` with an owner (ada), a private room, a member (grace) and a share link. */
async function serve(url: string, options: TestServerOptions = {}): Promise<Fixture> {
  const s = await startTestServer({ ...options, store: await PostgresRoomStore.open(url, { onError: () => {} }) });
  cleanups.push(() => s.close());
  const ada = await signUp(s, 'ada');
  await signUp(s, 'grace');
  const room = (await api(s, 'POST', '/api/rooms', { visibility: 'private' }, ada.bearer)).body as CreatedRoom;
  expect((await api(s, 'PUT', `/api/rooms/${room.id}/members/grace`, { role: 'viewer' }, ada.bearer)).status).toBe(200);
  const link = (await api(s, 'POST', `/api/rooms/${room.id}/links`, { role: 'viewer' }, ada.bearer)).body as CreatedShareLink;
  return { s, ada, room, link };
}

type Request = [what: string, send: () => Promise<ApiResponse>];

/** Every kind of request that needs the store: sign-in and sign-up, the rooms list, members and links. */
function requests({ s, ada, room, link }: Fixture, newcomer: string): Request[] {
  return [
    ['sign in', () => api(s, 'POST', '/api/auth/login', { username: 'ada', password: PASSWORD })],
    ['register', () => api(s, 'POST', '/api/auth/register', { username: newcomer, password: PASSWORD })],
    ['who am I', () => api(s, 'GET', '/api/me', undefined, ada.bearer)],
    ['list my rooms', () => api(s, 'GET', '/api/rooms', undefined, ada.bearer)],
    ['list members', () => api(s, 'GET', `/api/rooms/${room.id}/members`, undefined, ada.bearer)],
    ['add a member', () => api(s, 'PUT', `/api/rooms/${room.id}/members/grace`, { role: 'editor' }, ada.bearer)],
    ['list links', () => api(s, 'GET', `/api/rooms/${room.id}/links`, undefined, ada.bearer)],
    ['create a link', () => api(s, 'POST', `/api/rooms/${room.id}/links`, { role: 'editor' }, ada.bearer)],
    ['revoke a link', () => api(s, 'DELETE', `/api/rooms/${room.id}/links/${link.id}`, undefined, ada.bearer)],
  ];
}

/** Each request answers 503 `code` in the API's error shape within `ms`, without the driver's details; the probes still answer. */
async function expectRefusedWithin(f: Fixture, ms: number, code: string): Promise<void> {
  for (const [what, send] of requests(f, 'newcomer')) {
    const response = await within(send(), ms, `${what} while the database fails`);
    expect(apiError(response, 503).code, what).toBe(code);
    expect(JSON.stringify(response.body), what).not.toMatch(/ECONNREFUSED|\bat .*\.js|postgres/i);
  }
  expect((await fetch(`${f.s.url}/health`)).status).toBe(200);
}

/** Once the database answers again, so does the API (the pool reconnects on its own). */
async function expectRecovered(f: Fixture): Promise<Map<string, ApiResponse>> {
  const { s, ada, room } = f;
  await waitFor(async () => (await api(s, 'GET', '/api/rooms', undefined, ada.bearer)).status === 200, 'the API recovers', 30_000);
  const answers = new Map<string, ApiResponse>();
  for (const [what, send] of requests(f, 'latecomer')) answers.set(what, await send());
  expect(answers.get('sign in')?.status).toBe(200);
  expect(answers.get('register')?.status).toBe(201);
  expect(answers.get('who am I')?.body).toMatchObject({ user: { username: 'ada' } });
  expect(answers.get('list my rooms')?.body).toMatchObject({ rooms: [{ id: room.id, role: 'owner' }] });
  expect(answers.get('list members')?.body).toMatchObject({ members: [{ username: 'grace' }] });
  expect(answers.get('add a member')?.status).toBe(200);
  expect(answers.get('list links')?.status).toBe(200);
  expect(answers.get('create a link')?.status).toBe(201);
  return answers;
}

describe('the HTTP API while PostgreSQL is down (a private server, stopped)', () => {
  it('answers each request with an immediate 503 storage_unavailable, keeps serving, and works again once it is back', {
    timeout: 90_000,
  }, async () => {
    const pg = await startPrivatePostgres();
    cleanups.push(() => pg.destroy());
    const f = await serve(pg.url);

    await pg.stop();
    // A refused connection is known at once: far below the API timeout.
    await expectRefusedWithin(f, 5_000, 'storage_unavailable');
    await waitFor(async () => (await fetch(`${f.s.url}/ready`)).status === 503, '/ready reports the store');

    await pg.start();
    const answers = await expectRecovered(f);
    expect(answers.get('revoke a link')?.status).toBe(204);
  });
});

await describeWithPostgres('the HTTP API while PostgreSQL does not answer (its connections paused)', () => {
  it('answers each request with 503 timed_out after API_TIMEOUT_MS, keeps serving, and works again once it answers', {
    timeout: 90_000,
  }, async () => {
    const db = await createTestDatabase();
    cleanups.push(db.drop);
    const url = new URL(db.url);
    const proxy = await startTcpProxy(Number(url.port || 5432), url.hostname);
    cleanups.push(() => proxy.close());
    url.port = String(proxy.port);
    const f = await serve(url.toString(), { apiTimeoutMs: 1_000 });
    // Cleanups run last-in first: the server closes (storing what it holds) only after the database answers again.
    cleanups.push(async () => proxy.resume());

    proxy.pause();
    await expectRefusedWithin(f, 5_000, 'timed_out');

    proxy.resume();
    // A request that timed out may still have taken effect once the database answered (here: the revoke).
    await expectRecovered(f);
  });
});
