import { createHash } from 'node:crypto';
import { afterEach, expect, it, vi } from 'vitest';
import type { CreatedRoom, CreatedShareLink, MemberInfo, RoomDetails, ShareLinkInfo } from '@pairwise/protocol';
import { type SignedIn, signUp } from './support/accounts.js';
import { api, apiError } from './support/http-api.js';
import { describeEachStore } from './support/store-kinds.js';
import { startTestServer, type TestServer } from './support/test-server.js';

/** Members and share links: the owner decides who gets in and how. */

await describeEachStore('members and links', (openStore) => {
  let s: TestServer;
  let ada: SignedIn;
  let room: CreatedRoom;

  afterEach(async () => {
    vi.useRealTimers();
    await s?.close();
  });

  async function start(): Promise<void> {
    s = await startTestServer({ store: await openStore() });
    ada = await signUp(s, 'ada');
    room = (await api(s, 'POST', '/api/rooms', { visibility: 'private' }, ada.bearer)).body as CreatedRoom;
  }

  const roleWith = async (headers: Record<string, string>): Promise<string | number> => {
    const response = await api(s, 'GET', `/api/rooms/${room.id}`, undefined, headers);
    return response.status === 200 ? (response.body as RoomDetails).role : response.status;
  };

  it('adds a member, changes their role and removes them; each change reaches their access at once', async () => {
    await start();
    const grace = await signUp(s, 'grace');
    expect(await roleWith(grace.bearer)).toBe(404);

    const added = await api(s, 'PUT', `/api/rooms/${room.id}/members/Grace`, { role: 'viewer' }, ada.bearer);
    expect(added.body).toEqual({ username: 'grace', role: 'viewer', addedAt: expect.any(String) });
    expect(await roleWith(grace.bearer)).toBe('viewer');

    const promoted = (await api(s, 'PUT', `/api/rooms/${room.id}/members/grace`, { role: 'editor' }, ada.bearer)).body as MemberInfo;
    expect(promoted).toMatchObject({ role: 'editor', addedAt: (added.body as MemberInfo).addedAt });
    expect(await roleWith(grace.bearer)).toBe('editor');
    const members = (await api(s, 'GET', `/api/rooms/${room.id}/members`, undefined, ada.bearer)).body as { members: MemberInfo[] };
    expect(members.members).toEqual([promoted]);

    expect((await api(s, 'DELETE', `/api/rooms/${room.id}/members/grace`, undefined, ada.bearer)).status).toBe(204);
    expect(await roleWith(grace.bearer)).toBe(404);
  });

  it('a member made owner may manage the room too', async () => {
    await start();
    const grace = await signUp(s, 'grace');
    await api(s, 'PUT', `/api/rooms/${room.id}/members/grace`, { role: 'owner' }, ada.bearer);
    expect((await api(s, 'PATCH', `/api/rooms/${room.id}`, { name: 'Co-owned' }, grace.bearer)).status).toBe(200);
  });

  it('member routes: 404 for unknown users and non-members, 400 for bad usernames and roles', async () => {
    await start();
    expect(apiError(await api(s, 'PUT', `/api/rooms/${room.id}/members/nobody`, { role: 'viewer' }, ada.bearer), 404).code).toBe(
      'user_not_found',
    );
    expect(apiError(await api(s, 'DELETE', `/api/rooms/${room.id}/members/nobody`, undefined, ada.bearer), 404).code).toBe(
      'member_not_found',
    );
    apiError(await api(s, 'PUT', `/api/rooms/${room.id}/members/a%20b`, { role: 'viewer' }, ada.bearer), 400);
    apiError(await api(s, 'PUT', `/api/rooms/${room.id}/members/grace`, { role: 'admin' }, ada.bearer), 400);
    apiError(await api(s, 'PUT', `/api/rooms/${room.id}/members/grace`, undefined, ada.bearer), 400);
  });

  it('a share link grants its role to whoever presents it; its token is shown once and stored only hashed', async () => {
    await start();
    const created = await api(s, 'POST', `/api/rooms/${room.id}/links`, { role: 'viewer' }, ada.bearer);
    expect(created.status).toBe(201);
    const link = created.body as CreatedShareLink;
    expect(link).toMatchObject({ role: 'viewer', expiresAt: null, revokedAt: null });
    expect(link.token).toMatch(/^[A-Za-z0-9_-]{43}$/);

    expect(await roleWith({ 'x-pairwise-link': link.token })).toBe('viewer');
    expect(await roleWith({ 'x-pairwise-link': `${link.token}x` })).toBe(404);
    const stored = await s.store.listLinks(room.id);
    expect(stored[0]?.tokenHash).toBe(createHash('sha256').update(link.token).digest('hex'));
    expect(JSON.stringify(stored)).not.toContain(link.token);

    const listed = (await api(s, 'GET', `/api/rooms/${room.id}/links`, undefined, ada.bearer)).body as { links: ShareLinkInfo[] };
    expect(listed.links).toEqual([{ id: link.id, role: 'viewer', createdAt: link.createdAt, expiresAt: null, revokedAt: null }]);
  });

  it('a revoked link grants nothing; revoking twice is 404', async () => {
    await start();
    const link = (await api(s, 'POST', `/api/rooms/${room.id}/links`, { role: 'editor' }, ada.bearer)).body as CreatedShareLink;
    expect(await roleWith({ 'x-pairwise-link': link.token })).toBe('editor');
    expect((await api(s, 'DELETE', `/api/rooms/${room.id}/links/${link.id}`, undefined, ada.bearer)).status).toBe(204);
    expect(await roleWith({ 'x-pairwise-link': link.token })).toBe(404);
    expect(apiError(await api(s, 'DELETE', `/api/rooms/${room.id}/links/${link.id}`, undefined, ada.bearer), 404).code).toBe(
      'link_not_found',
    );
    const [listed] = ((await api(s, 'GET', `/api/rooms/${room.id}/links`, undefined, ada.bearer)).body as { links: ShareLinkInfo[] }).links;
    expect(listed?.revokedAt).not.toBeNull();
  });

  it('a link grants nothing once it expires', async () => {
    await start();
    const link = (await api(s, 'POST', `/api/rooms/${room.id}/links`, { role: 'editor', expiresInSeconds: 60 }, ada.bearer))
      .body as CreatedShareLink;
    expect(Date.parse(link.expiresAt!) - Date.parse(link.createdAt)).toBe(60_000);
    expect(await roleWith({ 'x-pairwise-link': link.token })).toBe('editor');
    vi.useFakeTimers({ toFake: ['Date'], now: Date.parse(link.expiresAt!) });
    expect(await roleWith({ 'x-pairwise-link': link.token })).toBe(404);
  });

  it('a link of one room grants nothing in another', async () => {
    await start();
    const link = (await api(s, 'POST', `/api/rooms/${room.id}/links`, { role: 'editor' }, ada.bearer)).body as CreatedShareLink;
    const other = (await api(s, 'POST', '/api/rooms', { visibility: 'private' }, ada.bearer)).body as CreatedRoom;
    apiError(await api(s, 'GET', `/api/rooms/${other.id}`, undefined, { 'x-pairwise-link': link.token }), 404);
  });

  it('link bodies are validated: no owner links, lifetimes of a minute to a year', async () => {
    await start();
    for (const body of [
      { role: 'owner' },
      { role: 'viewer', expiresInSeconds: 59 },
      { role: 'viewer', expiresInSeconds: 366 * 86400 },
      {},
    ]) {
      apiError(await api(s, 'POST', `/api/rooms/${room.id}/links`, body, ada.bearer), 400);
    }
  });
});
