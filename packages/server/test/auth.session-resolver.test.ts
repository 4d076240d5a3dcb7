import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { CLOSE_CODES, type CreatedRoom, type CreatedShareLink } from '@pairwise/protocol';
import { type ConnectionSession, NO_ACCESS_REASON, type SessionDecision } from '../src/access/session.js';
import { colorFor } from '../src/access/presence-colors.js';
import { cookiesSet, type SignedIn, signUp } from './support/accounts.js';
import { api } from './support/http-api.js';
import { describeEachStore } from './support/store-kinds.js';
import { startTestServer, type TestServer } from './support/test-server.js';

/** The WebSocket upgrade's session: each credential path, refusals, and reviewing an open connection's role. */

/** An upgrade request as the sync endpoint receives it. */
function upgrade(roomId: string, query: Record<string, string> = {}, headers: Record<string, string> = {}): IncomingMessage {
  const request = new IncomingMessage(new Socket());
  const search = new URLSearchParams(query).toString();
  request.url = `/ws/${roomId}${search ? `?${search}` : ''}`;
  request.headers = { upgrade: 'websocket', ...headers };
  return request;
}

function sessionOf(decision: SessionDecision): ConnectionSession {
  if (!('session' in decision)) throw new Error(`refused: ${decision.refuse} ${decision.reason}`);
  return decision.session;
}

await describeEachStore('session resolver', (openStore) => {
  let s: TestServer;
  let ada: SignedIn;

  afterEach(async () => {
    await s?.close();
  });

  async function start(): Promise<void> {
    s = await startTestServer({ store: await openStore() });
    ada = await signUp(s, 'ada');
  }

  const createAs = async (user: SignedIn, visibility: string): Promise<CreatedRoom> =>
    (await api(s, 'POST', '/api/rooms', { visibility }, user.bearer)).body as CreatedRoom;
  const resolve = (request: IncomingMessage, roomId: string) => s.server.sessions.resolve(request, roomId);

  it('a client with no credentials is a fresh guest, named by ?name=, with what the visibility gives', async () => {
    await start();
    const room = await createAs(ada, 'public-view');
    const first = sessionOf(await resolve(upgrade(room.id, { name: '  Grace ' }), room.id));
    const second = sessionOf(await resolve(upgrade(room.id), room.id));
    expect(first).toMatchObject({ role: 'viewer', presented: { ownerKey: null, linkToken: null } });
    expect(first.principal.kind).toBe('guest');
    expect(first.presence).toEqual({ name: 'Grace', color: expect.stringMatching(/^#[0-9a-f]{6}$/), guest: true });
    expect(second.presence.name).toBe('Guest');
    expect(second.principal).not.toEqual(first.principal);
  });

  it('the guest cookie keeps a guest the same guest (and colour) across connections; a forged one does not', async () => {
    await start();
    const room = await createAs(ada, 'public-edit');
    const guestCookie = cookiesSet(await fetch(`${s.url}/api/me`)).get('pairwise_guest')!.value;
    const headers = { cookie: `pairwise_guest=${guestCookie}` };
    const a = sessionOf(await resolve(upgrade(room.id, {}, headers), room.id));
    const b = sessionOf(await resolve(upgrade(room.id, {}, headers), room.id));
    expect(a.principal).toEqual(b.principal);
    expect(a.principal).toEqual({ kind: 'guest', guestId: guestCookie.split('.')[0] });
    expect(a.presence.color).toBe(b.presence.color);
    const forged = sessionOf(await resolve(upgrade(room.id, {}, { cookie: `pairwise_guest=${'A'.repeat(22)}.forged` }), room.id));
    expect(forged.principal).not.toEqual({ kind: 'guest', guestId: 'A'.repeat(22) });
  });

  it('a signed-in user by session cookie, ?token= or Bearer header: shown by username whatever ?name= says', async () => {
    await start();
    const room = await createAs(ada, 'private');
    for (const request of [
      upgrade(room.id, { name: 'Someone else' }, { cookie: `pairwise_session=${ada.token}` }),
      upgrade(room.id, { token: ada.token }),
      upgrade(room.id, {}, ada.bearer),
    ]) {
      const session = sessionOf(await resolve(request, room.id));
      expect(session.role).toBe('owner');
      expect(session.principal).toMatchObject({ kind: 'user', userId: ada.user.id, username: 'ada' });
      expect(session.presence).toEqual({ name: 'ada', color: colorFor(`user:${ada.user.id}`), guest: false });
    }
  });

  it('a token that does not check out is refused with 4401, also after logout', async () => {
    await start();
    const room = await createAs(ada, 'public-edit');
    expect(await resolve(upgrade(room.id, { token: 'not-a-token' }), room.id)).toMatchObject({ refuse: CLOSE_CODES.sessionEnded });
    await api(s, 'POST', '/api/auth/logout', undefined, ada.bearer);
    expect(await resolve(upgrade(room.id, { token: ada.token }), room.id)).toMatchObject({ refuse: CLOSE_CODES.sessionEnded });
    expect(await resolve(upgrade(room.id, {}, { cookie: `pairwise_session=${ada.token}` }), room.id)).toMatchObject({
      refuse: CLOSE_CODES.sessionEnded,
    });
  });

  it('a private room refuses outsiders with 4403, exactly as a room that does not exist', async () => {
    await start();
    const grace = await signUp(s, 'grace');
    const room = await createAs(ada, 'private');
    const refused = { refuse: CLOSE_CODES.forbidden, reason: NO_ACCESS_REASON };
    expect(await resolve(upgrade(room.id), room.id)).toEqual(refused);
    expect(await resolve(upgrade(room.id, { token: grace.token }), room.id)).toEqual(refused);
    expect(await resolve(upgrade('never-made'), 'never-made')).toEqual(refused);
  });

  it('?ownerKey= makes a guest creator the owner; ?link= grants the link’s role', async () => {
    await start();
    const guestRoom = (await api(s, 'POST', '/api/rooms', { visibility: 'private' })).body as CreatedRoom;
    expect(sessionOf(await resolve(upgrade(guestRoom.id, { ownerKey: guestRoom.ownerKey! }), guestRoom.id)).role).toBe('owner');
    expect(await resolve(upgrade(guestRoom.id, { ownerKey: 'wrong' }), guestRoom.id)).toMatchObject({ refuse: CLOSE_CODES.forbidden });

    const link = (
      await api(s, 'POST', `/api/rooms/${guestRoom.id}/links`, { role: 'editor' }, { 'x-pairwise-owner-key': guestRoom.ownerKey! })
    ).body as CreatedShareLink;
    const linked = sessionOf(await resolve(upgrade(guestRoom.id, { link: link.token }), guestRoom.id));
    expect(linked).toMatchObject({ role: 'editor', presented: { linkToken: link.token, ownerKey: null } });
  });

  it('review() follows access changes: a role change, a revoked link, a removed member, a logout', async () => {
    await start();
    const grace = await signUp(s, 'grace');
    const room = await createAs(ada, 'private');
    const owner = { authorization: `Bearer ${ada.token}` };
    await api(s, 'PUT', `/api/rooms/${room.id}/members/grace`, { role: 'editor' }, owner);
    const member = sessionOf(await resolve(upgrade(room.id, { token: grace.token }), room.id));
    expect(member.role).toBe('editor');
    await api(s, 'PUT', `/api/rooms/${room.id}/members/grace`, { role: 'viewer' }, owner);
    expect(await s.server.sessions.review(member, room.id)).toBe('viewer');
    await api(s, 'DELETE', `/api/rooms/${room.id}/members/grace`, undefined, owner);
    expect(await s.server.sessions.review(member, room.id)).toBeNull();

    const link = (await api(s, 'POST', `/api/rooms/${room.id}/links`, { role: 'viewer' }, owner)).body as CreatedShareLink;
    const guest = sessionOf(await resolve(upgrade(room.id, { link: link.token }), room.id));
    expect(await s.server.sessions.review(guest, room.id)).toBe('viewer');
    await api(s, 'DELETE', `/api/rooms/${room.id}/links/${link.id}`, undefined, owner);
    expect(await s.server.sessions.review(guest, room.id)).toBeNull();

    const own = sessionOf(await resolve(upgrade(room.id, { token: ada.token }), room.id));
    expect(await s.server.sessions.review(own, room.id)).toBe('owner');
    await api(s, 'POST', '/api/auth/logout', undefined, owner);
    expect(await s.server.sessions.review(own, room.id)).toBeNull();
  });
});
