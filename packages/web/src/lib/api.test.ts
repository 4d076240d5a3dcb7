import { describe, expect, it } from 'vitest';
import { CREDENTIALS } from '@pairwise/protocol';
import { ApiRequestError, createApiClient } from './api';
import type { FetchLike } from './api';

interface Call {
  url: string;
  init: RequestInit | undefined;
}

function stubFetch(respond: (call: Call) => Response | Promise<Response>): { fetch: FetchLike; calls: Call[] } {
  const calls: Call[] = [];
  return {
    calls,
    fetch: async (url, init) => {
      const call = { url, init };
      calls.push(call);
      return respond(call);
    },
  };
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

const summary = { id: 'abc123', name: 'Demo', language: 'go', createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z' };

describe('api client', () => {
  it('creates a room with a JSON body', async () => {
    const stub = stubFetch(() => json(201, summary));
    const api = createApiClient({ fetch: stub.fetch });
    await expect(api.createRoom({ name: 'Demo', language: 'go' })).resolves.toEqual(summary);
    const call = stub.calls[0];
    expect(call?.url).toBe('/api/rooms');
    expect(call?.init?.method).toBe('POST');
    expect(JSON.parse(String(call?.init?.body))).toEqual({ name: 'Demo', language: 'go' });
    expect(new Headers(call?.init?.headers).get('content-type')).toBe('application/json');
  });

  it('fetches room details and encodes the id', async () => {
    const details = { ...summary, code: 'package main', activeUsers: [{ name: 'Ada', color: '#ff0000' }] };
    const stub = stubFetch(() => json(200, details));
    const api = createApiClient({ baseUrl: 'http://h:1/', fetch: stub.fetch });
    await expect(api.getRoom('a b')).resolves.toEqual(details);
    expect(stub.calls[0]?.url).toBe('http://h:1/api/rooms/a%20b');
  });

  it('reads the chat page by page and posts a message as `{text}`', async () => {
    const page = { messages: [], nextBefore: null };
    const stub = stubFetch((call) => (call.init?.method === 'POST' ? json(201, { id: 'm' }) : json(200, page)));
    const api = createApiClient({ fetch: stub.fetch });
    await expect(api.listChat('r1', null)).resolves.toEqual(page);
    await api.listChat('r1', 42);
    await api.postChat('r1', 'hi `x`', { credentials: { link: 'token-123' } });
    expect(stub.calls.map((call) => call.url)).toEqual(['/api/rooms/r1/chat', '/api/rooms/r1/chat?before=42', '/api/rooms/r1/chat']);
    expect(JSON.parse(String(stub.calls[2]?.init?.body))).toEqual({ text: 'hi `x`' });
    expect(new Headers(stub.calls[2]?.init?.headers).get(CREDENTIALS.linkHeader)).toBe('token-123');
  });

  it('reads the runs page by page, older ones before a start time', async () => {
    const list = { runs: [], nextBefore: null };
    const stub = stubFetch(() => json(200, list));
    const api = createApiClient({ fetch: stub.fetch });
    await expect(api.listRuns('r1', { before: null })).resolves.toEqual(list);
    await api.listRuns('r1', { before: '2026-01-01T00:00:00.000+00:00' });
    await api.listRuns('r1', { before: null, limit: 50 });
    expect(stub.calls.map((call) => call.url)).toEqual([
      '/api/rooms/r1/runs',
      '/api/rooms/r1/runs?before=2026-01-01T00%3A00%3A00.000%2B00%3A00',
      '/api/rooms/r1/runs?limit=50',
    ]);
  });

  it('turns the error shape into ApiRequestError', async () => {
    const api = createApiClient({
      fetch: stubFetch(() => json(404, { error: { code: 'room_not_found', message: 'No such room' } })).fetch,
    });
    const err = await api.getRoom('missing').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiRequestError);
    expect(err).toMatchObject({ status: 404, code: 'room_not_found', message: 'No such room', isNotFound: true });
  });

  it('copes with non-JSON error bodies', async () => {
    const api = createApiClient({
      fetch: stubFetch(() => new Response('<h1>Bad gateway</h1>', { status: 502, statusText: 'Bad Gateway' })).fetch,
    });
    await expect(api.listRooms()).rejects.toMatchObject({ status: 502, code: 'http_502' });
  });

  it('reports an unreachable server as status 0', async () => {
    const api = createApiClient({
      fetch: () => Promise.reject(new TypeError('Failed to fetch')),
    });
    await expect(api.getRoom('abc')).rejects.toMatchObject({ status: 0, code: 'network_error' });
  });

  it('passes list paging through the query string', async () => {
    const stub = stubFetch(() => json(200, { rooms: [], nextCursor: null }));
    const api = createApiClient({ fetch: stub.fetch });
    await api.listRooms({ limit: 5, cursor: 'c/1' });
    await api.listRooms();
    expect(stub.calls.map((c) => c.url)).toEqual(['/api/rooms?limit=5&cursor=c%2F1', '/api/rooms']);
  });

  it('updates and deletes', async () => {
    const stub = stubFetch(({ init }) => (init?.method === 'DELETE' ? new Response(null, { status: 204 }) : json(200, summary)));
    const api = createApiClient({ fetch: stub.fetch });
    await api.updateRoom('abc123', { language: 'rust' });
    await expect(api.deleteRoom('abc123')).resolves.toBeUndefined();
    expect(stub.calls.map((c) => `${c.init?.method} ${c.url}`)).toEqual(['PATCH /api/rooms/abc123', 'DELETE /api/rooms/abc123']);
  });
});

describe('api client: accounts and sharing', () => {
  const noContent = () => new Response(null, { status: 204 });

  it('sends the room credentials as headers on room calls only', async () => {
    const stub = stubFetch(() => json(200, summary));
    const api = createApiClient({ fetch: stub.fetch });
    const credentials = { ownerKey: 'owner_key_123456', link: 'link_token_123456' };
    await api.getRoom('abc123', { credentials });
    await api.updateRoom('abc123', { aiCompletions: false }, { credentials: { ownerKey: 'owner_key_123456' } });
    await api.createRoom({});
    const headers = stub.calls.map((c) => new Headers(c.init?.headers));
    expect(headers[0]?.get('x-pairwise-owner-key')).toBe('owner_key_123456');
    expect(headers[0]?.get('x-pairwise-link')).toBe('link_token_123456');
    expect(headers[1]?.get('x-pairwise-owner-key')).toBe('owner_key_123456');
    expect(headers[1]?.get('x-pairwise-link')).toBeNull();
    expect(headers[1]?.get('content-type')).toBe('application/json');
    expect(headers[2]?.get('x-pairwise-owner-key')).toBeNull();
    // The cookie goes along by itself; no token ever appears in a header the app builds.
    expect(stub.calls.every((c) => c.init?.credentials === 'same-origin')).toBe(true);
    expect(headers.every((h) => h.get('authorization') === null)).toBe(true);
  });

  it('signs up, signs in, asks who is signed in and signs out', async () => {
    const user = { id: 'u1', username: 'ada' };
    const stub = stubFetch(({ url }) => {
      if (url === '/api/auth/logout') return noContent();
      if (url === '/api/me') return json(200, { user });
      return json(url.endsWith('register') ? 201 : 200, { token: 't', expiresAt: '2026-02-01T00:00:00Z', user });
    });
    const api = createApiClient({ fetch: stub.fetch });
    await expect(api.register({ username: 'ada', password: 'longenough' })).resolves.toMatchObject({ user });
    await expect(api.login({ username: 'ada', password: 'longenough' })).resolves.toMatchObject({ user });
    await expect(api.me()).resolves.toEqual({ user });
    await expect(api.logout()).resolves.toBeUndefined();
    expect(stub.calls.map((c) => `${c.init?.method} ${c.url}`)).toEqual([
      'POST /api/auth/register',
      'POST /api/auth/login',
      'GET /api/me',
      'POST /api/auth/logout',
    ]);
    expect(JSON.parse(String(stub.calls[1]?.init?.body))).toEqual({ username: 'ada', password: 'longenough' });
  });

  it('passes the server message of a refused sign-in through', async () => {
    const api = createApiClient({
      fetch: stubFetch(() => json(401, { error: { code: 'invalid_credentials', message: 'Wrong username or password.' } })).fetch,
    });
    await expect(api.login({ username: 'ada', password: 'wrongwrong' })).rejects.toMatchObject({
      status: 401,
      code: 'invalid_credentials',
      message: 'Wrong username or password.',
    });
  });

  it('manages members and share links under the room path', async () => {
    const link = { id: 'l 1', role: 'viewer', createdAt: 'x', expiresAt: null, revokedAt: null };
    const stub = stubFetch(({ url, init }) => {
      if (init?.method === 'DELETE') return noContent();
      if (url.endsWith('/members')) return json(200, { members: [{ username: 'bo', role: 'editor', addedAt: 'x' }] });
      if (url.endsWith('/links') && init?.method === 'GET') return json(200, { links: [link] });
      if (url.endsWith('/links')) return json(201, { ...link, token: 'tok' });
      return json(200, { username: 'bo', role: 'viewer', addedAt: 'x' });
    });
    const api = createApiClient({ fetch: stub.fetch });
    await expect(api.listMembers('r1')).resolves.toEqual([{ username: 'bo', role: 'editor', addedAt: 'x' }]);
    await expect(api.setMember('r1', 'bo', 'viewer')).resolves.toBeUndefined();
    await api.removeMember('r1', 'bo');
    await expect(api.listLinks('r1')).resolves.toEqual([link]);
    await expect(api.createLink('r1', { role: 'viewer', expiresInSeconds: 3600 })).resolves.toMatchObject({ token: 'tok' });
    await api.revokeLink('r1', 'l 1');
    expect(stub.calls.map((c) => `${c.init?.method} ${c.url}`)).toEqual([
      'GET /api/rooms/r1/members',
      'PUT /api/rooms/r1/members/bo',
      'DELETE /api/rooms/r1/members/bo',
      'GET /api/rooms/r1/links',
      'POST /api/rooms/r1/links',
      'DELETE /api/rooms/r1/links/l%201',
    ]);
    expect(JSON.parse(String(stub.calls[1]?.init?.body))).toEqual({ role: 'viewer' });
  });
});
