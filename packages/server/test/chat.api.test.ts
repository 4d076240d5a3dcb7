import { afterEach, describe, expect, it } from 'vitest';
import { CHAT_TEXT_MAX, type ChatMessage, type ChatPage, type CreatedRoom, CREDENTIALS, MESSAGE_PAIRWISE_HELLO } from '@pairwise/protocol';
import { DEFAULT_LIMITS } from '../src/limits/config.js';
import { signUp, type SignedIn } from './support/accounts.js';
import { waitFor } from './support/clients.js';
import { api, apiError } from './support/http-api.js';
import { closeRawSockets, rawClient } from './support/raw-socket.js';
import { startTestServer, type TestServer } from './support/test-server.js';
import { within } from './support/within.js';

/** `GET/POST /api/rooms/:id/chat`: who may read and post, paging, the rate limit, the length cap and bad input. */

const CHAT_MESSAGE_BURST = DEFAULT_LIMITS.chatMessageBurst;

describe('chat API', () => {
  let s: TestServer;

  afterEach(async () => {
    closeRawSockets();
    await s?.close();
  });

  const post = (roomId: string, body: unknown, headers: Record<string, string> = {}) =>
    api(s, 'POST', `/api/rooms/${roomId}/chat`, body, headers);
  const read = (roomId: string, query = '', headers: Record<string, string> = {}) =>
    api(s, 'GET', `/api/rooms/${roomId}/chat${query}`, undefined, headers);

  async function privateRoomOf(owner: SignedIn): Promise<string> {
    const created = await api(s, 'POST', '/api/rooms', { visibility: 'private' }, owner.bearer);
    expect(created.status).toBe(201);
    return (created.body as CreatedRoom).id;
  }

  it('stores a message with the author from the session and reads it back', async () => {
    s = await startTestServer();
    const ada = await signUp(s, 'ada');
    const roomId = await s.createRoom();
    const posted = await post(roomId, { text: '  use `Array.from`  ' }, ada.bearer);
    expect(posted.status, JSON.stringify(posted.body)).toBe(201);
    const message = posted.body as ChatMessage;
    expect(message).toEqual({
      id: expect.any(String),
      seq: expect.any(Number),
      at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      author: { id: `user:${ada.user.id}`, name: 'ada', color: ada.user.color },
      // Trimmed by the schema.
      text: 'use `Array.from`',
    });
    expect((await read(roomId)).body).toEqual({ messages: [message], nextBefore: null });
  });

  it('never takes the author from the body', async () => {
    s = await startTestServer();
    const roomId = await s.createRoom();
    const forged = await post(roomId, { text: 'hi', author: { id: 'user:admin', name: 'admin', color: '#000000' } });
    expect(apiError(forged, 400).code).toBe('invalid_request');
    expect(((await read(roomId)).body as ChatPage).messages).toEqual([]);
  });

  it('pages from the newest: `nextBefore` leads to older pages until null', async () => {
    s = await startTestServer();
    const roomId = await s.createRoom();
    for (let i = 1; i <= 5; i++) expect((await post(roomId, { text: `message ${i}` })).status).toBe(201);
    const texts = (page: ChatPage) => page.messages.map((m) => m.text);

    const newest = (await read(roomId, '?limit=2')).body as ChatPage;
    expect(texts(newest)).toEqual(['message 4', 'message 5']);
    const middle = (await read(roomId, `?limit=2&before=${newest.nextBefore}`)).body as ChatPage;
    expect(texts(middle)).toEqual(['message 2', 'message 3']);
    const oldest = (await read(roomId, `?limit=2&before=${middle.nextBefore}`)).body as ChatPage;
    expect(texts(oldest)).toEqual(['message 1']);
    expect(oldest.nextBefore).toBeNull();
    // The default page holds them all.
    expect(texts((await read(roomId)).body as ChatPage)).toHaveLength(5);
  });

  it('every role reads and posts; a caller with no role gets 404 like a room that does not exist', async () => {
    s = await startTestServer();
    const owner = await signUp(s, 'owner');
    const viewer = await signUp(s, 'viewer');
    const outsider = await signUp(s, 'outsider');
    const roomId = await privateRoomOf(owner);
    expect((await api(s, 'PUT', `/api/rooms/${roomId}/members/viewer`, { role: 'viewer' }, owner.bearer)).status).toBe(200);

    expect((await post(roomId, { text: 'from the owner' }, owner.bearer)).status).toBe(201);
    expect((await post(roomId, { text: 'a question from a viewer' }, viewer.bearer)).status).toBe(201);
    expect(((await read(roomId, '', viewer.bearer)).body as ChatPage).messages.map((m) => m.author.name)).toEqual(['owner', 'viewer']);

    for (const headers of [outsider.bearer, {}]) {
      expect(apiError(await read(roomId, '', headers), 404).code).toBe('room_not_found');
      expect(apiError(await post(roomId, { text: 'let me in' }, headers), 404).code).toBe('room_not_found');
    }
    expect(apiError(await read('no-such-room'), 404).code).toBe('room_not_found');
    expect(apiError(await post('no-such-room', { text: 'hello?' }), 404).code).toBe('room_not_found');
    // A guest viewer of a public-view room asks questions too.
    const watched = (await api(s, 'POST', '/api/rooms', { visibility: 'public-view' }, owner.bearer)).body as CreatedRoom;
    expect((await post(watched.id, { text: 'why a Map?' })).status).toBe(201);
  });

  it(`refuses a person's message past ${CHAT_MESSAGE_BURST} in a burst with 429 and Retry-After, per room`, async () => {
    s = await startTestServer();
    const ada = await signUp(s, 'ada');
    const grace = await signUp(s, 'grace');
    const roomId = await s.createRoom();
    const other = await s.createRoom();
    for (let i = 0; i < CHAT_MESSAGE_BURST; i++) expect((await post(roomId, { text: `spam ${i}` }, ada.bearer)).status).toBe(201);

    const response = await fetch(`${s.url}/api/rooms/${roomId}/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...ada.bearer },
      body: JSON.stringify({ text: 'one too many' }),
    });
    expect(response.status).toBe(429);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
    // Somebody else in the room, and the same person in another room, are not limited.
    expect((await post(roomId, { text: 'my turn' }, grace.bearer)).status).toBe(201);
    expect((await post(other, { text: 'elsewhere' }, ada.bearer)).status).toBe(201);
    expect(((await read(roomId, '?limit=100')).body as ChatPage).messages).toHaveLength(CHAT_MESSAGE_BURST + 1);
  });

  it('caps the length and refuses bad input with 400, storing nothing', async () => {
    s = await startTestServer();
    const roomId = await s.createRoom();
    expect((await post(roomId, { text: 'x'.repeat(CHAT_TEXT_MAX) })).status).toBe(201);
    const tooLong = apiError(await post(roomId, { text: 'x'.repeat(CHAT_TEXT_MAX + 1) }), 400);
    expect(tooLong).toMatchObject({ code: 'invalid_request', message: expect.stringMatching(/text/) });
    for (const body of [{ text: '' }, { text: '   \n ' }, { text: 42 }, {}, { text: ['a'] }, 'null', '[]']) {
      expect(apiError(await post(roomId, body), 400).code).toBe('invalid_request');
    }
    expect(apiError(await post(roomId, '{"text": '), 400).code).toBe('invalid_json');
    for (const query of ['?limit=0', '?limit=101', '?limit=x', '?before=0', '?before=-3', '?before=1.5', '?before=abc', '?page=2']) {
      expect(apiError(await read(roomId, query), 400).code, query).toBe('invalid_request');
    }
    expect(((await read(roomId)).body as ChatPage).messages).toHaveLength(1);
  });

  it('shows a guest by the name and colour of their open connection to the room, else as a guest', async () => {
    s = await startTestServer();
    const roomId = await s.createRoom();
    const first = await fetch(`${s.url}/api/rooms/${roomId}`);
    const cookie = first.headers
      .getSetCookie()
      .map((line) => line.split(';')[0])
      .find((pair) => pair?.startsWith(`${CREDENTIALS.guestCookie}=`));
    if (cookie === undefined) throw new Error('no guest cookie');
    const asGuest = { cookie, origin: s.url };

    expect(((await post(roomId, { text: 'before joining' }, asGuest)).body as ChatMessage).author.name).toBe('Guest');
    const socket = rawClient(`${s.wsUrl}/${roomId}?name=Zo%C3%AB&color=%23112233`, { headers: { cookie } });
    await within(socket.opened, 5_000, 'guest socket opens');
    socket.ws.send(Uint8Array.of(MESSAGE_PAIRWISE_HELLO));
    await waitFor(() => s.server.registry.loaded(roomId)?.connectionCount === 1, 'the guest joined');
    const posted = (await post(roomId, { text: 'after joining' }, asGuest)).body as ChatMessage;
    expect(posted.author).toEqual({ id: expect.stringMatching(/^guest:/), name: 'Zoë', color: '#112233' });
  });
});
