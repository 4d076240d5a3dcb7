import { afterEach, expect, it } from 'vitest';
import type { CreatedRoom, RoomDetails, RoomList, RoomSummary } from '@pairwise/protocol';
import { type SignedIn, signUp } from './support/accounts.js';
import { api, apiError, type ApiResponse } from './support/http-api.js';
import { describeEachStore } from './support/store-kinds.js';
import { startTestServer, TEST_AUTH_CONFIG, type TestServer } from './support/test-server.js';

/** The rooms API by role: who sees which rooms, who may change them, and outsiders learning nothing. */

await describeEachStore('rooms by role', (openStore) => {
  let s: TestServer;

  afterEach(async () => {
    await s?.close();
  });

  const start = async (maxRoomsPerUser = 1000): Promise<void> => {
    s = await startTestServer({ store: await openStore(), auth: { ...TEST_AUTH_CONFIG, maxRoomsPerUser } });
  };

  async function createAs(user: SignedIn, body: Record<string, unknown> = {}): Promise<CreatedRoom> {
    const response = await api(s, 'POST', '/api/rooms', body, user.bearer);
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    return response.body as CreatedRoom;
  }

  /** Every room route, as `headers` sends it (bodies valid, so only access decides). */
  function everyRoomRoute(roomId: string, headers: Record<string, string>): Promise<ApiResponse>[] {
    return [
      api(s, 'GET', `/api/rooms/${roomId}`, undefined, headers),
      api(s, 'PATCH', `/api/rooms/${roomId}`, { name: 'Taken over' }, headers),
      api(s, 'DELETE', `/api/rooms/${roomId}`, undefined, headers),
      api(s, 'GET', `/api/rooms/${roomId}/members`, undefined, headers),
      api(s, 'PUT', `/api/rooms/${roomId}/members/ada`, { role: 'editor' }, headers),
      api(s, 'DELETE', `/api/rooms/${roomId}/members/ada`, undefined, headers),
      api(s, 'GET', `/api/rooms/${roomId}/links`, undefined, headers),
      api(s, 'POST', `/api/rooms/${roomId}/links`, { role: 'editor' }, headers),
      api(s, 'DELETE', `/api/rooms/${roomId}/links/abc`, undefined, headers),
      api(s, 'POST', '/api/autocomplete', { code: 'pri', cursorPosition: 3, language: 'python', roomId }, headers),
    ];
  }

  it('a signed-in creator owns the room; a guest creator gets an owner key, once', async () => {
    await start();
    const ada = await signUp(s, 'ada');
    const owned = await createAs(ada, { name: 'Mine', visibility: 'public-view' });
    expect(owned).toMatchObject({ name: 'Mine', visibility: 'public-view', aiCompletions: true, role: 'owner' });
    expect(owned.ownerKey).toBeUndefined();

    const byGuest = (await api(s, 'POST', '/api/rooms', { name: 'Guest room' })).body as CreatedRoom;
    expect(byGuest).toMatchObject({ role: 'owner', visibility: 'public-edit' });
    expect(byGuest.ownerKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // Never shown again: reading the room as its owner does not return it.
    const read = (await api(s, 'GET', `/api/rooms/${byGuest.id}`, undefined, { 'x-pairwise-owner-key': byGuest.ownerKey! })).body;
    expect(read).toMatchObject({ role: 'owner' });
    expect(JSON.stringify(read)).not.toContain(byGuest.ownerKey);
  });

  it('GET /api/rooms lists only rooms the caller owns or is a member of; a guest gets none', async () => {
    await start();
    const ada = await signUp(s, 'ada');
    const grace = await signUp(s, 'grace');
    const adas = await createAs(ada, { name: 'Ada 1' });
    const shared = await createAs(grace, { name: 'Shared with Ada', visibility: 'private' });
    await createAs(grace, { name: 'Grace only' });
    await s.createRoom({ name: 'A guest’s' });
    expect((await api(s, 'PUT', `/api/rooms/${shared.id}/members/ada`, { role: 'viewer' }, grace.bearer)).status).toBe(200);

    const list = (await api(s, 'GET', '/api/rooms', undefined, ada.bearer)).body as RoomList;
    expect(list.rooms.map((r) => [r.name, r.role]).sort()).toEqual([
      ['Ada 1', 'owner'],
      ['Shared with Ada', 'viewer'],
    ]);
    expect(list.rooms.find((r) => r.id === adas.id)).toMatchObject({ visibility: 'public-edit', activeUsers: 0 });
    expect((await api(s, 'GET', '/api/rooms')).body).toEqual({ rooms: [], nextCursor: null });
  });

  it('pages through the caller’s rooms with the cursor', async () => {
    await start();
    const ada = await signUp(s, 'ada');
    for (let i = 0; i < 5; i++) await createAs(ada, { name: `Room ${i}` });
    const first = (await api(s, 'GET', '/api/rooms?limit=3', undefined, ada.bearer)).body as RoomList;
    expect(first.rooms).toHaveLength(3);
    const second = (await api(s, 'GET', `/api/rooms?limit=3&cursor=${first.nextCursor}`, undefined, ada.bearer)).body as RoomList;
    expect(second.rooms).toHaveLength(2);
    expect(second.nextCursor).toBeNull();
    expect(new Set([...first.rooms, ...second.rooms].map((r) => r.name)).size).toBe(5);
  });

  it('a private room answers outsiders 404 on every route, exactly like a room that does not exist', async () => {
    await start();
    const ada = await signUp(s, 'ada');
    const grace = await signUp(s, 'grace');
    const secret = await createAs(ada, { visibility: 'private' });
    for (const headers of [grace.bearer, {}]) {
      const forPrivate = await Promise.all(everyRoomRoute(secret.id, headers));
      const forMissing = await Promise.all(everyRoomRoute('no-such-room', headers));
      for (const [i, response] of forPrivate.entries()) {
        expect(apiError(response, 404)).toEqual({ code: 'room_not_found', message: `room ${secret.id} does not exist` });
        expect(apiError(forMissing[i]!, 404).code).toBe('room_not_found');
      }
    }
  });

  it('PATCH, DELETE, members and links need the owner: an editor gets 403, and changes nothing', async () => {
    await start();
    const ada = await signUp(s, 'ada');
    const grace = await signUp(s, 'grace');
    const room = await createAs(ada, { name: 'Interview' });
    expect((await api(s, 'PUT', `/api/rooms/${room.id}/members/grace`, { role: 'editor' }, ada.bearer)).status).toBe(200);

    const responses = await Promise.all(everyRoomRoute(room.id, grace.bearer));
    const [get, ...ownerOnly] = responses;
    expect((get!.body as RoomDetails).role).toBe('editor');
    const autocomplete = ownerOnly.pop()!;
    expect(autocomplete.status).toBe(200); // an editor may ask for suggestions
    for (const response of ownerOnly) expect(apiError(response, 403).code).toBe('forbidden');
    // A guest on a public-edit room is an editor too.
    for (const response of (await Promise.all(everyRoomRoute(room.id, {}))).slice(1, -1)) apiError(response, 403);
    expect(((await api(s, 'GET', `/api/rooms/${room.id}`)).body as RoomDetails).name).toBe('Interview');
  });

  it('the owner key from a guest’s POST /api/rooms manages the room; anything else does not', async () => {
    await start();
    const roomId = await s.createRoom({ name: 'Guest made' });
    const owner = s.asOwner(roomId);
    const patched = await api(s, 'PATCH', `/api/rooms/${roomId}`, { visibility: 'private', aiCompletions: false }, owner);
    expect(patched.body).toMatchObject({ visibility: 'private', aiCompletions: false, role: 'owner' });
    apiError(await api(s, 'GET', `/api/rooms/${roomId}`), 404); // now private: others see nothing
    apiError(await api(s, 'GET', `/api/rooms/${roomId}`, undefined, { 'x-pairwise-owner-key': 'A'.repeat(43) }), 404);
    expect((await api(s, 'POST', `/api/rooms/${roomId}/links`, { role: 'viewer' }, owner)).status).toBe(201);
    expect((await api(s, 'DELETE', `/api/rooms/${roomId}`, undefined, owner)).status).toBe(204);
  });

  it('viewers read the room but get no suggestions for it; the switch off refuses suggestions to editors', async () => {
    await start();
    const ada = await signUp(s, 'ada');
    const room = await createAs(ada, { visibility: 'public-view' });
    const suggest = (headers: Record<string, string>) =>
      api(s, 'POST', '/api/autocomplete', { code: 'pri', cursorPosition: 3, language: 'python', roomId: room.id }, headers);
    expect(((await api(s, 'GET', `/api/rooms/${room.id}`)).body as RoomDetails).role).toBe('viewer');
    expect(apiError(await suggest({}), 403).code).toBe('forbidden');
    expect((await suggest(ada.bearer)).status).toBe(200);
    expect((await api(s, 'PATCH', `/api/rooms/${room.id}`, { aiCompletions: false }, ada.bearer)).body).toMatchObject({
      aiCompletions: false,
    });
    expect(((await api(s, 'GET', `/api/rooms/${room.id}`, undefined, ada.bearer)).body as RoomDetails).aiCompletions).toBe(false);
    expect(apiError(await suggest(ada.bearer), 403).code).toBe('completions_disabled');
  });

  it('a signed-in user may own MAX_ROOMS_PER_USER rooms, then gets 429 too_many_rooms', async () => {
    await start(2);
    const ada = await signUp(s, 'ada');
    await createAs(ada);
    const second = await createAs(ada);
    expect(apiError(await api(s, 'POST', '/api/rooms', {}, ada.bearer), 429).code).toBe('too_many_rooms');
    expect((await api(s, 'DELETE', `/api/rooms/${second.id}`, undefined, ada.bearer)).status).toBe(204);
    expect((await api(s, 'POST', '/api/rooms', {}, ada.bearer)).status).toBe(201);
  });

  it('PATCH answers the updated summary with the caller’s role', async () => {
    await start();
    const ada = await signUp(s, 'ada');
    const room = await createAs(ada);
    const response = await api(s, 'PATCH', `/api/rooms/${room.id}`, { name: 'Renamed', language: 'go' }, ada.bearer);
    expect(response.body).toMatchObject<Partial<RoomSummary>>({
      name: 'Renamed',
      language: 'go',
      role: 'owner',
      visibility: 'public-edit',
    });
  });
});
