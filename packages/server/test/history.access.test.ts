import { afterEach, expect, it } from 'vitest';
import type { RoomDetails, RoomSummary, VersionList } from '@pairwise/protocol';
import { signUp } from './support/accounts.js';
import { api, apiError } from './support/http-api.js';
import { describeEachStore } from './support/store-kinds.js';
import { startTestServer, type TestServer } from './support/test-server.js';

/** Who may see a room's history is the owner's setting: everyone who can edit (default), or owners only. */

await describeEachStore('history access', (openStore) => {
  let s: TestServer;

  afterEach(async () => {
    await s?.close();
  });

  it('an owner makes history owners-only: editors then get 403 on timeline and versions, the owner still reads it', async () => {
    s = await startTestServer({ store: await openStore() });
    const owner = await signUp(s, 'owner');
    const created = (await api(s, 'POST', '/api/rooms', { visibility: 'public-edit' }, owner.bearer)).body as RoomSummary;
    expect(created.historyAccess).toBe('editors');
    const paths = [`/api/rooms/${created.id}/timeline`, `/api/rooms/${created.id}/versions`];
    // Anyone with the link is an editor of a public-edit room.
    for (const path of paths) expect((await api(s, 'GET', path)).status).toBe(200);
    expect((await api(s, 'POST', `/api/rooms/${created.id}/versions`, { name: 'by an editor' })).status).toBe(201);

    expect(apiError(await api(s, 'PATCH', `/api/rooms/${created.id}`, { historyAccess: 'owners' }), 403).code).toBe('forbidden');
    expect(apiError(await api(s, 'PATCH', `/api/rooms/${created.id}`, { historyAccess: 'all' }, owner.bearer), 400).code).toBe(
      'invalid_request',
    );
    const patched = await api(s, 'PATCH', `/api/rooms/${created.id}`, { historyAccess: 'owners' }, owner.bearer);
    expect(patched.body).toMatchObject({ historyAccess: 'owners', visibility: 'public-edit', role: 'owner' });

    for (const path of paths) expect(apiError(await api(s, 'GET', path), 403).code).toBe('forbidden');
    expect(apiError(await api(s, 'POST', `/api/rooms/${created.id}/versions`, { name: 'again' }), 403).code).toBe('forbidden');
    const details = (await api(s, 'GET', `/api/rooms/${created.id}`)).body as RoomDetails;
    expect(details).toMatchObject({ historyAccess: 'owners', role: 'editor' });
    for (const path of paths) expect((await api(s, 'GET', path, undefined, owner.bearer)).status).toBe(200);
    const versions = (await api(s, 'GET', paths[1]!, undefined, owner.bearer)).body as VersionList;
    expect(versions.versions.map((v) => v.name)).toEqual(['by an editor']);

    await api(s, 'PATCH', `/api/rooms/${created.id}`, { historyAccess: 'editors' }, owner.bearer);
    for (const path of paths) expect((await api(s, 'GET', path)).status).toBe(200);
  });

  it('the setting is kept with the room across a restart', async () => {
    s = await startTestServer({ store: await openStore() });
    const owner = await signUp(s, 'owner');
    const created = (await api(s, 'POST', '/api/rooms', {}, owner.bearer)).body as RoomSummary;
    await api(s, 'PATCH', `/api/rooms/${created.id}`, { historyAccess: 'owners' }, owner.bearer);
    await s.close();
    s = await startTestServer({ store: await openStore.sameDatabase() });
    expect(apiError(await api(s, 'GET', `/api/rooms/${created.id}/timeline`), 403).code).toBe('forbidden');
    const listed = (await api(s, 'GET', '/api/rooms', undefined, owner.bearer)).body as { rooms: RoomSummary[] };
    expect(listed.rooms.map((r) => r.historyAccess)).toEqual(['owners']);
  });
});
