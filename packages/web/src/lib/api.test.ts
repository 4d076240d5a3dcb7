import { describe, expect, it } from 'vitest';
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
