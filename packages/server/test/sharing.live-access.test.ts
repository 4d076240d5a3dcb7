import { afterEach, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CLOSE_CODES, type CreatedRoom, type CreatedShareLink, type RoomDetails } from '@pairwise/protocol';
import { NO_ACCESS_REASON } from '../src/access/session.js';
import { type SignedIn, signUp } from './support/accounts.js';
import { connectClient, type TestClient, waitFor } from './support/clients.js';
import { api } from './support/http-api.js';
import { closeOf, closeRawSockets, type RawClient, rawClient } from './support/raw-socket.js';
import { describeEachStore } from './support/store-kinds.js';
import { startTestServer, type TestServer } from './support/test-server.js';
import { within } from './support/within.js';

/**
 * The real server end to end: WebSockets get their session from accounts, owner keys, share links
 * and visibility, and what the owner changes over HTTP reaches open sockets within a second.
 */

await describeEachStore('live access over WebSockets', (openStore) => {
  let s: TestServer;
  let ada: SignedIn;
  const clients: TestClient[] = [];

  afterEach(async () => {
    for (const client of clients.splice(0)) client.destroy();
    closeRawSockets();
    await s?.close();
  });

  async function start(): Promise<void> {
    s = await startTestServer({ store: await openStore() });
    ada = await signUp(s, 'ada');
  }

  const createAs = async (user: SignedIn, visibility: string): Promise<CreatedRoom> =>
    (await api(s, 'POST', '/api/rooms', { visibility }, user.bearer)).body as CreatedRoom;
  const socket = (roomId: string, params: Record<string, string> = {}): RawClient =>
    rawClient(`${s.wsUrl}/${roomId}?${new URLSearchParams(params).toString()}`);
  const stock = (roomId: string, params: Record<string, string>): TestClient => {
    const client = connectClient(s.wsUrl, roomId, { params });
    clients.push(client);
    return client;
  };
  /** Closed within a second of the change, with `code`. */
  const closedWith = async (raw: RawClient, code: number, label: string): Promise<void> => {
    const started = Date.now();
    expect((await closeOf(raw, label)).code).toBe(code);
    expect(Date.now() - started).toBeLessThan(1_000);
  };

  it('who gets in: outsiders of a private room 4403 with the same reason as unknown rooms, bad tokens 4401; owners by token or owner key', async () => {
    await start();
    const secret = await createAs(ada, 'private');
    expect(await closeOf(socket(secret.id), 'outsider')).toMatchObject({ code: CLOSE_CODES.forbidden, reason: NO_ACCESS_REASON });
    expect((await closeOf(socket(secret.id, { token: 'forged' }), 'forged token')).code).toBe(CLOSE_CODES.sessionEnded);
    expect(await closeOf(socket('no-such-room'), 'unknown room')).toMatchObject({ code: CLOSE_CODES.forbidden, reason: NO_ACCESS_REASON });

    const owner = socket(secret.id, { token: ada.token });
    await owner.opened;
    const guestRoom = (await api(s, 'POST', '/api/rooms', { visibility: 'private' })).body as CreatedRoom;
    const keyHolder = socket(guestRoom.id, { ownerKey: guestRoom.ownerKey! });
    await keyHolder.opened;
    expect([owner.ws.readyState, keyHolder.ws.readyState]).toEqual([WebSocket.OPEN, WebSocket.OPEN]);
  });

  it('a signed-in user is shown by username, whatever name the client asks for', async () => {
    await start();
    const room = await createAs(ada, 'public-edit');
    const client = stock(room.id, { token: ada.token, name: 'Someone Else' });
    await client.synced();
    client.provider.awareness.setLocalStateField('user', { name: 'Someone Else', color: '#000000' });
    await waitFor(async () => {
      const details = (await api(s, 'GET', `/api/rooms/${room.id}`, undefined, ada.bearer)).body as RoomDetails;
      return details.activeUsers.some((u) => u.name === 'ada');
    }, 'presence shows the username');
    const details = (await api(s, 'GET', `/api/rooms/${room.id}`, undefined, ada.bearer)).body as RoomDetails;
    expect(details.activeUsers.map((u) => u.name)).toEqual(['ada']);
  });

  it('removing a member closes their socket with 4403; the owner stays', async () => {
    await start();
    const grace = await signUp(s, 'grace');
    const room = await createAs(ada, 'private');
    await api(s, 'PUT', `/api/rooms/${room.id}/members/grace`, { role: 'editor' }, ada.bearer);
    const member = socket(room.id, { token: grace.token });
    const owner = socket(room.id, { token: ada.token });
    await Promise.all([member.opened, owner.opened]);
    await api(s, 'DELETE', `/api/rooms/${room.id}/members/grace`, undefined, ada.bearer);
    await closedWith(member, CLOSE_CODES.forbidden, 'removed member');
    expect(owner.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('revoking a share link closes its holders’ sockets with 4403', async () => {
    await start();
    const room = await createAs(ada, 'private');
    const link = (await api(s, 'POST', `/api/rooms/${room.id}/links`, { role: 'viewer' }, ada.bearer)).body as CreatedShareLink;
    const holder = socket(room.id, { link: link.token });
    await holder.opened;
    await api(s, 'DELETE', `/api/rooms/${room.id}/links/${link.id}`, undefined, ada.bearer);
    await closedWith(holder, CLOSE_CODES.forbidden, 'link holder');
  });

  it('making a room private closes the sockets of everyone without a role in it', async () => {
    await start();
    const room = await createAs(ada, 'public-edit');
    const guest = socket(room.id);
    const owner = socket(room.id, { token: ada.token });
    await Promise.all([guest.opened, owner.opened]);
    await api(s, 'PATCH', `/api/rooms/${room.id}`, { visibility: 'private' }, ada.bearer);
    await closedWith(guest, CLOSE_CODES.forbidden, 'guest');
    expect(owner.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('a member made viewer is closed with 4100 within a second; the stock client reconnects as a viewer whose edits are ignored', async () => {
    await start();
    const grace = await signUp(s, 'grace');
    const room = await createAs(ada, 'private');
    await api(s, 'PUT', `/api/rooms/${room.id}/members/grace`, { role: 'editor' }, ada.bearer);
    const owner = stock(room.id, { token: ada.token });
    const member = stock(room.id, { token: grace.token });
    await Promise.all([owner.synced(), member.synced()]);
    member.text.insert(0, 'as editor\n');
    await waitFor(() => owner.text.toString().startsWith('as editor\n'), 'editor edit reaches the owner');
    const closed = new Promise<number>((resolve) => member.provider.once('connection-close', (event) => resolve(event?.code ?? 0)));
    let ownerDropped = false;
    owner.provider.on('connection-close', () => {
      ownerDropped = true;
    });

    const started = Date.now();
    await api(s, 'PUT', `/api/rooms/${room.id}/members/grace`, { role: 'viewer' }, ada.bearer);
    expect(await within(closed, 1_000, 'the member is closed')).toBe(CLOSE_CODES.roleChanged);
    expect(Date.now() - started).toBeLessThan(1_000);

    // 4100 is outside 4400-4499: y-websocket reconnects by itself, now as a viewer.
    await member.synced();
    member.text.insert(0, 'as viewer\n');
    owner.text.insert(owner.text.length, '# from the owner\n');
    await waitFor(() => member.text.toString().includes('# from the owner'), 'the viewer still receives edits');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(owner.text.toString()).not.toContain('as viewer');
    const stored = (await api(s, 'GET', `/api/rooms/${room.id}`, undefined, ada.bearer)).body as RoomDetails;
    expect(stored.code).toMatch(/^as editor\n/);
    expect(stored.code).not.toContain('as viewer');
    expect(member.provider.wsconnected).toBe(true);
    expect(ownerDropped).toBe(false);
  });
});
